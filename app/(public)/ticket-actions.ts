"use server";

import { cookies, headers } from "next/headers";
import { redirect } from "next/navigation";
import { consumeRateLimits } from "@/db/queries/rate-limit";
import { openTicket, rateTicket, residentReply } from "@/db/queries/tickets";
import { env } from "@/lib/env";
import { LOCALE_COOKIE, negotiateLocale } from "@/lib/i18n";
import { logUnexpected } from "@/lib/log";
import { metrics } from "@/lib/metrics";
import { clientAddress, clientKey } from "@/lib/rate-limit";
import { checkReceiptNo } from "@/lib/receipt-number";
import { TICKET_REF_PATTERN, ZOpenTicketInput, ZResidentReply } from "@/lib/tickets";
import { verifyProofsOffThread } from "@/lib/uploads/verify-off-thread";
import { PROOF_LIMITS, type ProofRejection, type VerifiedProof } from "@/lib/uploads/verify-proof";
import { publicBaseUrl } from "../base-url";
import { receiptAccess } from "./receipt-access";
import { rememberTicket, trackingSecret } from "./ticket-cookies";

export type TicketFormState = {
  code?: "invalid" | "not_allowed" | "rate_limited" | "existing" | "answer_posted" | "answer_awaiting_bank" | "needs_proof" | "error";
  fieldErrors?: Partial<Record<"category" | "description" | "contact" | "proof", string>>;
  values: { category: string; description: string; contact: string };
  ref?: string;
  retryAfterMinutes?: number;
  errorId?: string;
};

const TICKET_LIMIT = { limit: 10, windowSeconds: 60 * 60 };
const text = (v: FormDataEntryValue | null, max = 4000) => (typeof v === "string" ? v.slice(0, max) : "");

/**
 * Files the resident actually chose. An empty file input still posts one empty
 * part: nameless from a plain form, named "undefined" (or "blob") when React serialises it.
 */
async function readProofs(formData: FormData): Promise<{ ok: true; proofs: VerifiedProof[] } | { ok: false; code: ProofRejection | "tooManyFiles" | "busy" }> {
  const files = formData.getAll("proof").filter((f): f is File => typeof f !== "string" && !(f.size === 0 && ["", "blob", "undefined"].includes(f.name)));
  if (files.length > PROOF_LIMITS.maxFiles) return { ok: false, code: "tooManyFiles" };
  if (files.some((file) => file.size > PROOF_LIMITS.maxBytes)) return { ok: false, code: "too_large" };
  // Decoding runs in a worker thread with memory and time limits, never on the request thread.
  const batch = await verifyProofsOffThread(await Promise.all(files.map(async (file) => Buffer.from(await file.arrayBuffer()))));
  if (!batch.ok) return { ok: false, code: batch.code };
  const proofs: VerifiedProof[] = [];
  for (const verified of batch.verdicts) {
    if (!verified.ok) return { ok: false, code: verified.code };
    proofs.push(verified.proof);
  }
  return { ok: true, proofs };
}

async function requestContext() {
  const [h, jar] = await Promise.all([headers(), cookies()]);
  const config = env();
  return {
    config,
    client: clientKey(config.AUTH_SECRET, clientAddress(h.get("x-forwarded-for"), config.TRUSTED_PROXY_HOPS)),
    locale: negotiateLocale(jar.get(LOCALE_COOKIE)?.value, h.get("accept-language")),
    baseUrl: await publicBaseUrl(),
  };
}

/** Public, but only for a receipt the caller has proven access to (QR token or a successful lookup). */
export async function openTicketAction(_prev: TicketFormState, formData: FormData): Promise<TicketFormState> {
  const values = { category: text(formData.get("category"), 40), description: text(formData.get("description")), contact: text(formData.get("contact"), 200) };
  const { config, client, locale, baseUrl } = await requestContext();
  const checked = checkReceiptNo(text(formData.get("receipt"), 64), config.receiptFormat);
  if (!checked.ok) return { code: "not_allowed", values };
  const token = text(formData.get("t"), 64) || undefined;
  const access = await receiptAccess(checked.receiptNo, token);
  if (!access.viaToken && !access.viaLookup) return { code: "not_allowed", values };

  const parsed = ZOpenTicketInput.safeParse({ ...values, idempotencyKey: text(formData.get("idempotency_key"), 80) });
  if (!parsed.success) {
    const fieldErrors: TicketFormState["fieldErrors"] = {};
    for (const issue of parsed.error.issues) {
      const field = issue.path[0];
      if (field === "category" || field === "description" || field === "contact") fieldErrors[field] ??= issue.message;
    }
    return { code: "invalid", fieldErrors, values };
  }
  const files = await readProofs(formData);
  if (!files.ok) return { code: "invalid", fieldErrors: { proof: files.code }, values };

  let result;
  try {
    const verdict = await consumeRateLimits([{ key: `ticket:client:${client}`, limit: TICKET_LIMIT }]);
    if (!verdict.allowed) return { code: "rate_limited", retryAfterMinutes: Math.ceil(verdict.retryAfterSeconds / 60), values };
    result = await openTicket({
      receiptNo: checked.receiptNo,
      ...parsed.data,
      locale,
      proofs: files.proofs,
      now: new Date(),
      timeZone: config.TZ,
      baseUrl,
    });
  } catch (error) {
    return { code: "error", errorId: logUnexpected("ticket_open_failed", error), values };
  }
  metrics().tickets.inc({ outcome: result.kind });
  switch (result.kind) {
    case "answer":
      return { code: result.reason === "posted" ? "answer_posted" : "answer_awaiting_bank", values };
    case "needs_proof":
      return { code: "needs_proof", fieldErrors: { proof: "needsProof" }, values };
    case "existing":
      return { code: "existing", ref: result.ref, values };
    case "created":
    case "replayed":
      await rememberTicket(result.ref, result.secret, true);
  }
  redirect(`/t/${result.ref}`);
}

/** Public, holder of the tracking secret only (checked in the data layer): reply while staff wait on the resident. */
export async function residentReplyAction(formData: FormData): Promise<void> {
  const ref = text(formData.get("ref"), 20);
  if (!TICKET_REF_PATTERN.test(ref)) return;
  const parsed = ZResidentReply.safeParse({ message: text(formData.get("message")) });
  const files = await readProofs(formData);
  if (!parsed.success || !files.ok) redirect(`/t/${ref}?error=${parsed.success ? (files.ok ? "invalid" : files.code) : parsed.error.issues[0]!.message}`);
  try {
    await residentReply(ref, await trackingSecret(), parsed.data.message, files.proofs, new Date());
  } catch (error) {
    logUnexpected("ticket_reply_failed", error);
    redirect(`/t/${ref}?error=error`);
  }
  redirect(`/t/${ref}`);
}

/** Public, holder only: one-tap rating once resolved. */
export async function rateTicketAction(formData: FormData): Promise<void> {
  const ref = text(formData.get("ref"), 20);
  const rating = Number(text(formData.get("rating"), 2));
  if (!TICKET_REF_PATTERN.test(ref) || !Number.isInteger(rating) || rating < 1 || rating > 5) return;
  await rateTicket(ref, await trackingSecret(), rating, new Date());
  redirect(`/t/${ref}`);
}
