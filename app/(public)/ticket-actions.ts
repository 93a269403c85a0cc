"use server";

import { redirect } from "next/navigation";
import { openTicket, rateTicket, residentReply, residentReplyAllowed } from "@/db/queries/tickets";
import type { TicketFormState } from "@/lib/action-state";
import { metrics } from "@/lib/metrics";
import { checkReceiptNo } from "@/lib/receipt-number";
import { RATE_LIMIT, REPLY_LIMIT, TICKET_LIMIT, UPLOAD_BUDGET, TICKET_REF_PATTERN, ZOpenTicketInput, ZResidentReply } from "@/lib/tickets";
import { verifyProofsOffThread } from "@/lib/uploads/verify-off-thread";
import { PROOF_LIMITS, type ProofRejection, type VerifiedProof } from "@/lib/uploads/verify-proof";
import { publicBaseUrl } from "../base-url";
import { publicAction, stop, type Bucket, type PublicRequest } from "../public-action";
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

/** Public, but only for a receipt the caller has proven access to (QR token or a successful lookup). */
export const openTicketAction = publicAction({
  event: "ticket_open_failed",
  guard: async (request) => {
    const values = formValues(request);
    const checked = checkReceiptNo(request.text("receipt", 64), request.config.receiptFormat);
    if (!checked.ok) return stop<TicketFormState>({ code: "not_allowed", values });
    const access = await receiptAccess(checked.receiptNo, request.text("t", 64) || undefined);
    if (!access.viaToken && !access.viaLookup) return stop<TicketFormState>({ code: "not_allowed", values });

    const parsed = ZOpenTicketInput.safeParse({ ...values, idempotencyKey: request.idempotencyKey ?? "" });
    if (!parsed.success) {
      const fieldErrors: TicketFormState["fieldErrors"] = {};
      for (const issue of parsed.error.issues) {
        const field = issue.path[0];
        if (field === "category" || field === "description" || field === "contact") fieldErrors[field] ??= issue.message;
      }
      return stop<TicketFormState>({ code: "invalid", fieldErrors, values });
    }
    const files = request.files("proof");
    const shape = uploadShape(files);
    if (shape) return stop<TicketFormState>({ code: "invalid", fieldErrors: { proof: shape }, values });
    return {
      ok: true,
      value: { receiptNo: checked.receiptNo, input: parsed.data, files, values },
      limits: [{ key: `ticket:client:${request.client}`, limit: TICKET_LIMIT }, ...uploadBudget(request.client, files)],
    };
  },
  rateLimited: (retryAfterMinutes, { values }): TicketFormState => ({ code: "rate_limited", retryAfterMinutes, values }),
  failed: (errorId, request): TicketFormState => ({ code: "error", errorId, values: formValues(request) }),
  run: async ({ receiptNo, input, files, values }, { config, locale }): Promise<TicketFormState> => {
    const proofs = await readProofs(files);
    if (!proofs.ok) return { code: "invalid", fieldErrors: { proof: proofs.code }, values };
    const result = await openTicket({ receiptNo, ...input, locale, proofs: proofs.proofs, now: new Date(), timeZone: config.TZ, baseUrl: await publicBaseUrl() });
    metrics().tickets.inc({ outcome: result.kind });
    switch (result.kind) {
      case "answer":
        return { code: result.reason === "posted" ? "answer_posted" : "answer_awaiting_bank", values };
      case "needs_proof":
        return { code: "needs_proof", fieldErrors: { proof: "needsProof" }, values };
      case "existing":
        return { code: "existing", ref: result.ref, values };
      case "stale_form":
        return { code: "stale_form", values };
      case "created":
      case "replayed":
        // A replay hands over the same secret the first answer did (derived, never rotated).
        if (result.secret) await rememberTicket(result.ref, result.secret, true);
    }
    redirect(`/t/${result.ref}`);
  },
});

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
    await rateTicket(ref, await trackingSecret(), rating, new Date());
    redirect(`/t/${ref}`);
  },
});
