import "server-only";
import { headers } from "next/headers";
import { unstable_rethrow } from "next/navigation";
import { consumeRateLimits } from "@/db/queries/rate-limit";
import { env, type Env } from "@/lib/env";
import type { Locale } from "@/lib/i18n";
import { logUnexpected } from "@/lib/log";
import { requestClientKey, type Limit } from "@/lib/rate-limit";
import { markAction } from "./action-kind";
import { requestLocale } from "./locale";

/**
 * The wrapper every public server action is made with (beside staffAction in
 * app/staff/action-client.ts; app/staff/server-actions.test.ts checks that no
 * "use server" export escapes both). It owns what each public action used to
 * repeat: reading fields, the client (keyed hash of the address, by the trust
 * model in lib/rate-limit.ts), the language, the idempotency key, the rate
 * limits and the error id. Order, so that an anonymous flood costs little:
 *
 *   1. `guard` — cheap checks only (field shapes, the caller's right: QR token,
 *      lookup cookie, tracking secret, ticket state); may stop with a result;
 *   2. the rate limits it names, all counted in one statement, before
 *      anything costly (password hashing, reading or decoding uploads);
 *   3. `run` — the work.
 *
 * An unexpected error anywhere becomes `failed(errorId)`, logged as one line
 * without payer data; Next's redirects and not-found pass through.
 */

export type PublicRequest = {
  form: FormData;
  /** A text field, cut to `max` characters ("" when absent or a file). */
  text: (name: string, max: number) => string;
  /**
   * The files the resident actually chose, unread. An empty file input still posts one empty part:
   * nameless from a plain form, named "undefined" (or "blob") when React serialises it.
   */
  files: (name: string) => File[];
  /** The form's idempotency key when it has a well-formed one. */
  idempotencyKey: string | null;
  /** Keyed hash of the client address (never the address). */
  client: string;
  locale: Locale;
  config: Env;
  headers: Headers;
};

export type Bucket = { key: string; limit: Limit; cost?: number };
export type Guarded<V, R> = { ok: true; value: V; limits?: Bucket[] } | { ok: false; result: R };

export type PublicActionSpec<V, R> = {
  /** Log event of an unexpected failure. */
  event: string;
  guard: (request: PublicRequest) => Guarded<V, R> | Promise<Guarded<V, R>>;
  run: (value: V, request: PublicRequest) => Promise<R>;
  /** Over a limit: what the page shows (minutes rounded up, at least 1). */
  rateLimited: (retryAfterMinutes: number, value: V, request: PublicRequest) => R | Promise<R>;
  failed: (errorId: string, request: PublicRequest | null) => R | Promise<R>;
};

/** A guard's early answer (typed, so the action's result type is not widened). */
export const stop = <R>(result: R): { ok: false; result: R } => ({ ok: false, result });

const IDEMPOTENCY_KEY = /^[A-Za-z0-9_-]{16,64}$/;

/** `(formData)` for plain form actions, `(previousState, formData)` for useActionState ones. */
export function publicAction<V, R>(spec: PublicActionSpec<V, R>): (previous?: unknown, formData?: unknown) => Promise<R> {
  async function runPublicAction(previous?: unknown, formData?: unknown): Promise<R> {
    const form = formData instanceof FormData ? formData : previous instanceof FormData ? previous : new FormData();
    let request: PublicRequest | null = null;
    try {
      request = await publicRequest(form);
      const guarded = await spec.guard(request);
      if (!guarded.ok) return guarded.result;
      if (guarded.limits && guarded.limits.length > 0) {
        const verdict = await consumeRateLimits(guarded.limits);
        if (!verdict.allowed) return await spec.rateLimited(Math.max(1, Math.ceil(verdict.retryAfterSeconds / 60)), guarded.value, request);
      }
      return await spec.run(guarded.value, request);
    } catch (error) {
      unstable_rethrow(error);
      return spec.failed(logUnexpected(spec.event, error), request);
    }
  }
  return markAction(runPublicAction, "public");
}

async function publicRequest(form: FormData): Promise<PublicRequest> {
  const [h, { locale }] = await Promise.all([headers(), requestLocale()]);
  const config = env();
  const text = (name: string, max: number) => {
    const value = form.get(name);
    return typeof value === "string" ? value.slice(0, max) : "";
  };
  const key = text("idempotency_key", 80);
  return {
    form,
    text,
    files: (name) =>
      form.getAll(name).filter((f): f is File => typeof f !== "string" && !(f.size === 0 && ["", "blob", "undefined"].includes(f.name))),
    idempotencyKey: IDEMPOTENCY_KEY.test(key) ? key : null,
    client: requestClientKey(h, config),
    locale,
    config,
    headers: h,
  };
}
