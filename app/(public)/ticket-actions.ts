"use server";

import { redirect } from "next/navigation";
import { forgetFormProofs, keepFormProofs, keptFormProofCount, keptFormProofs } from "@/db/queries/form-proofs";
import { openTicket, rateTicket, residentReply, residentReplyAllowed } from "@/db/queries/tickets";
import type { TicketFormState } from "@/lib/action-state";
import { metrics } from "@/lib/metrics";
import { checkReceiptNo } from "@/lib/receipt-number";
import { isPoorRating, RATE_LIMIT, REPLY_LIMIT, TICKET_LIMIT, UPLOAD_BUDGET, TICKET_REF_PATTERN, ZOpenTicketInput, ZResidentReply, type TOpenTicketInput } from "@/lib/tickets";
import { verifyProofsOffThread } from "@/lib/uploads/verify-off-thread";
import { PROOF_LIMITS, type ProofRejection, type VerifiedProof } from "@/lib/uploads/verify-proof";
import { publicBaseUrl } from "../base-url";
import { publicAction, stop, type Bucket, type Guarded, type PublicRequest } from "../public-action";
import { receiptAccess } from "./receipt-access";
import { rememberTicket, trackingSecret } from "./ticket-cookies";

type ProofCode = ProofRejection | "tooManyFiles" | "busy";

/** The size and count checks that need no byte of a file. */
function uploadShape(files: File[]): ProofCode | null {
  if (files.length > PROOF_LIMITS.maxFiles) return "tooManyFiles";
  if (files.some((file) => file.size > PROOF_LIMITS.maxBytes)) return "too_large";
  return null;
}

/** The per-client upload budget, charged by file before any file is read. */
const uploadBudget = (client: string, files: File[]): Bucket[] => (files.length > 0 ? [{ key: `upload:client:${client}`, limit: UPLOAD_BUDGET, cost: files.length }] : []);

/**
 * Reads and verifies the files — only called once the caller has shown the right to send them and the
 * limits have passed. Decoding runs in a worker thread with memory and time limits (lib/uploads).
 */
async function readProofs(files: File[]): Promise<{ ok: true; proofs: VerifiedProof[] } | { ok: false; code: ProofCode }> {
  const batch = await verifyProofsOffThread(await Promise.all(files.map(async (file) => Buffer.from(await file.arrayBuffer()))));
  if (!batch.ok) return { ok: false, code: batch.code };
  const proofs: VerifiedProof[] = [];
  for (const verified of batch.verdicts) {
    if (!verified.ok) return { ok: false, code: verified.code };
    proofs.push(verified.proof);
  }
  return { ok: true, proofs };
}

const formValues = (request: PublicRequest | null) => ({
  category: request?.text("category", 40) ?? "",
  description: request?.text("description", 4000) ?? "",
  contact: request?.text("contact", 200) ?? "",
});

type ReportValue = {
  receiptNo: string;
  input: TOpenTicketInput | null;
  fieldErrors: TicketFormState["fieldErrors"];
  files: File[];
  values: TicketFormState["values"];
  formKey: string | null;
};

/**
 * The two report forms: the ticket form of a receipt the caller has proven access to (QR token or a
 * successful lookup), and the lookup's "still can't find it?" form, open to anyone, which proves nothing
 * and so is always routed as a missing record with proof (SPEC §2.3 not_found → data_entry) and always
 * answers the same way whether or not the receipt exists.
 *
 * Proofs survive a form error (issue 18): when the fields are wrong but files came, the files are read
 * (after the limits, like any upload), kept under the form's idempotency key for an hour
 * (db/queries/form-proofs.ts) and the form says how many; the corrected form sent without files uses them.
 */
function reportAction(mode: "with_access" | "without_access") {
  const withoutAccess = mode === "without_access";
  return publicAction({
    event: withoutAccess ? "missing_receipt_report_failed" : "ticket_open_failed",
    guard: async (request): Promise<Guarded<ReportValue, TicketFormState>> => {
      const values = { ...formValues(request), ...(withoutAccess ? { category: "not_posted" } : {}) };
      const formKey = request.idempotencyKey;
      const checked = checkReceiptNo(request.text("receipt", 64), request.config.receiptFormat);
      if (!checked.ok) return stop({ code: "not_allowed", values });
      const receiptNo = checked.receiptNo;
      if (!withoutAccess) {
        const access = await receiptAccess(receiptNo, request.text("t", 64) || undefined);
        if (!access.viaToken && !access.viaLookup) return stop({ code: "not_allowed", values });
      }
      const kept = async () => (formKey ? await keptFormProofCount(formKey, receiptNo, new Date()) : 0);

      const parsed = ZOpenTicketInput.safeParse({ ...values, idempotencyKey: formKey ?? "" });
      const fieldErrors: TicketFormState["fieldErrors"] = {};
      if (!parsed.success) {
        for (const issue of parsed.error.issues) {
          const field = issue.path[0];
          if (field === "category" || field === "description" || field === "contact") fieldErrors[field] ??= issue.message;
        }
      }
      const files = request.files("proof");
      const shape = uploadShape(files);
      if (shape) return stop({ code: "invalid", fieldErrors: { ...fieldErrors, proof: shape }, values, formKey: formKey ?? undefined, keptProofs: await kept() });
      if (files.length === 0) {
        const keptProofs = await kept();
        if (!parsed.success) return stop({ code: "invalid", fieldErrors, values, formKey: formKey ?? undefined, keptProofs });
        // Nothing to re-enter a missing record from: ask for the proof before anything is counted.
        if (withoutAccess && keptProofs === 0) return stop({ code: "needs_proof", fieldErrors: { proof: "needsProof" }, values, formKey: formKey ?? undefined });
      }
      return {
        ok: true,
        value: { receiptNo, input: parsed.success ? parsed.data : null, fieldErrors, files, values, formKey },
        limits: [
          { key: `ticket:client:${request.client}`, limit: TICKET_LIMIT },
          ...(withoutAccess ? [{ key: `ticket_missing:receipt:${receiptNo}`, limit: TICKET_LIMIT }] : []),
          ...uploadBudget(request.client, files),
        ],
      };
    },
    rateLimited: (retryAfterMinutes, { values }): TicketFormState => ({ code: "rate_limited", retryAfterMinutes, values }),
    failed: (errorId, request): TicketFormState => ({ code: "error", errorId, values: formValues(request) }),
    run: async ({ receiptNo, input, fieldErrors, files, values, formKey }, { config, locale }): Promise<TicketFormState> => {
      const now = new Date();
      const key = formKey ?? undefined;
      let proofs: VerifiedProof[] = [];
      if (files.length > 0) {
        const read = await readProofs(files);
        if (!read.ok) return { code: "invalid", fieldErrors: { ...fieldErrors, proof: read.code }, values, formKey: key, keptProofs: formKey ? await keptFormProofCount(formKey, receiptNo, now) : 0 };
        proofs = read.proofs;
      }
      if (!input) {
        if (formKey) await keepFormProofs(formKey, receiptNo, proofs, now);
        return { code: "invalid", fieldErrors, values, formKey: key, keptProofs: formKey ? proofs.length : 0 };
      }
      if (proofs.length === 0 && formKey) proofs = await keptFormProofs(formKey, receiptNo, now);
      const result = await openTicket({ receiptNo, ...input, locale, proofs, now, timeZone: config.TZ, baseUrl: await publicBaseUrl(), withoutAccess });
      metrics().tickets.inc({ outcome: result.kind });
      switch (result.kind) {
        case "answer":
          return { code: result.reason === "posted" ? "answer_posted" : "answer_awaiting_bank", values };
        case "needs_proof":
          return { code: "needs_proof", fieldErrors: { proof: "needsProof" }, values, formKey: key };
        case "existing":
          if (formKey) await forgetFormProofs(formKey);
          return { code: "existing", ref: result.ref, values };
        case "stale_form":
          return { code: "stale_form", values };
        case "created":
        case "replayed":
          if (formKey) await forgetFormProofs(formKey);
          // A replay hands over the same secret the first answer did (derived, never rotated).
          if (result.secret) await rememberTicket(result.ref, result.secret, true);
      }
      redirect(`/t/${result.ref}`);
    },
  });
}

/** Public, but only for a receipt the caller has proven access to (QR token or a successful lookup). */
export const openTicketAction = reportAction("with_access");

/** Public, anyone: the lookup's "still can't find it?" — a missing record reported with proof (→ data_entry). */
export const reportMissingReceiptAction = reportAction("without_access");

/**
 * Public, holder of the tracking secret only: reply while staff wait on the resident. The secret and
 * the ticket's state are checked, and the limits counted, before a byte of an upload is read; the
 * data layer checks both again in the write's transaction.
 */
export const residentReplyAction = publicAction({
  event: "ticket_reply_failed",
  guard: async (request) => {
    const ref = request.text("ref", 20);
    if (!TICKET_REF_PATTERN.test(ref)) return stop(undefined);
    const secret = await trackingSecret();
    if (!(await residentReplyAllowed(ref, secret))) redirect(`/t/${ref}`);
    const parsed = ZResidentReply.safeParse({ message: request.text("message", 4000) });
    if (!parsed.success) redirect(`/t/${ref}?error=${parsed.error.issues[0]!.message}`);
    const files = request.files("proof");
    const shape = uploadShape(files);
    if (shape) redirect(`/t/${ref}?error=${shape}`);
    return {
      ok: true,
      value: { ref, secret, message: parsed.data.message, files },
      limits: [{ key: `ticket_reply:client:${request.client}`, limit: REPLY_LIMIT }, ...uploadBudget(request.client, files)],
    };
  },
  rateLimited: (minutes, { ref }) => redirect(`/t/${ref}?error=rate_limited&minutes=${minutes}`),
  failed: (_errorId, request) => {
    const ref = request?.text("ref", 20) ?? "";
    if (TICKET_REF_PATTERN.test(ref)) redirect(`/t/${ref}?error=error`);
  },
  run: async ({ ref, secret, message, files }) => {
    const proofs = await readProofs(files);
    if (!proofs.ok) redirect(`/t/${ref}?error=${proofs.code}`);
    await residentReply(ref, secret, message, proofs.proofs, new Date());
    redirect(`/t/${ref}`);
  },
});

/** Public, holder only: one-tap rating once resolved. */
export const rateTicketAction = publicAction({
  event: "ticket_rate_failed",
  guard: (request) => {
    const ref = request.text("ref", 20);
    const rating = Number(request.text("rating", 2));
    if (!TICKET_REF_PATTERN.test(ref) || !Number.isInteger(rating) || rating < 1 || rating > 5) return stop(undefined);
    return { ok: true, value: { ref, rating }, limits: [{ key: `ticket_rate:client:${request.client}`, limit: RATE_LIMIT }] };
  },
  rateLimited: (minutes, { ref }) => redirect(`/t/${ref}?error=rate_limited&minutes=${minutes}`),
  failed: (_errorId, request) => {
    const ref = request?.text("ref", 20) ?? "";
    if (TICKET_REF_PATTERN.test(ref)) redirect(`/t/${ref}?error=error`);
  },
  run: async ({ ref, rating }) => {
    const rated = await rateTicket(ref, await trackingSecret(), rating, new Date());
    redirect(`/t/${ref}${rated === "ok" && isPoorRating(rating) ? "?rated=follow_up" : ""}`);
  },
});
