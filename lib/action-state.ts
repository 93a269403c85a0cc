import { z } from "zod";
import type { AppErrorCode } from "./errors";
import type { LookupErrorCode, LookupFieldError } from "./lookup";

/**
 * What a staff server action answers its form (app/staff/action-client.ts
 * makes them, components/console/staff-form.tsx shows them): success with a
 * code for the page, or a refusal by AppError code — with the fields in error
 * for `invalid`, the rule for `refused`, the log line's id for `error`.
 */
export type StaffActionResult =
  | { ok: true; done: string }
  | { ok: false; code: AppErrorCode; fieldErrors?: Record<string, string[]>; errorId?: string; reason?: string };

/** A staff server action as a form receives it (useActionState's signature). */
export type StaffFormAction = (state: StaffActionResult | undefined, formData: FormData) => Promise<StaffActionResult | undefined>;

/** A database id as a form sends it (a hidden input): a positive whole number JavaScript holds exactly. */
export const ZId = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);

/*
 * The resident and sign-in forms' states: what their actions (app/(public)/actions.ts, ticket-actions.ts,
 * app/staff/login/actions.ts) answer and their components (components/lookup, tickets, console/login-form) show.
 * Their codes are SPEC-visible (`data-error`), so they stay their own.
 */

export type LookupState = {
  code?: LookupErrorCode | "error";
  fieldErrors?: { receipt?: LookupFieldError; amount?: LookupFieldError };
  values: { receipt: string; amount: string };
  retryAfterMinutes?: number;
  errorId?: string;
  /** The normalised number of a well-formed lookup that found nothing: the "still can't find it?" link's target (the same for both failures). */
  receiptNo?: string;
};

export type TicketFormState = {
  code?: "invalid" | "not_allowed" | "rate_limited" | "existing" | "answer_posted" | "answer_awaiting_bank" | "needs_proof" | "stale_form" | "error";
  fieldErrors?: Partial<Record<"category" | "description" | "contact" | "proof", string>>;
  values: { category: string; description: string; contact: string };
  ref?: string;
  retryAfterMinutes?: number;
  errorId?: string;
  /** The form's idempotency key, echoed so a page re-rendered without JavaScript keeps the same form (and its kept proofs). */
  formKey?: string;
  /** Proofs kept server-side from an earlier try of this form (issue 18). */
  keptProofs?: number;
};

export type SignInState = { code?: "invalid" | "invalid_credentials" | "rate_limited" | "error"; email: string; errorId?: string; retryAfterMinutes?: number };

/**
 * The second factor: the code step of sign-in (app/staff/login/code) and the enrolment page
 * (app/staff/two-factor). `recoveryCodes` are shown once, after enrolment or regeneration.
 */
export type SecondFactorState = {
  code?: "invalid" | "wrong_code" | "rate_limited" | "expired" | "unauthorized" | "enrolled" | "error";
  errorId?: string;
  retryAfterMinutes?: number;
  recoveryCodes?: string[];
};

/** "Tell me when it posts" (app/(public)/subscribe-actions.ts, components/status/subscribe-form.tsx). */
export type SubscribeState = {
  code?: "required" | "invalid" | "rate_limited" | "not_allowed" | "error";
  retryAfterMinutes?: number;
  errorId?: string;
  value: string;
};
