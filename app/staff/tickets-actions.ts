"use server";

import { z } from "zod";
import { manualMatch } from "@/db/queries/manual-match";
import { unsafeProposedMatch } from "@/db/queries/proof-checks";
import { claimNextTicket } from "@/db/queries/queues";
import { actOnTicket, type TicketActionInput } from "@/db/queries/staff-tickets";
import type { StaffPrincipal } from "@/db/queries/staff";
import { ZId } from "@/lib/action-state";
import { ANY_STAFF } from "@/lib/auth/roles";
import { AppError } from "@/lib/errors";
import { TICKET_QUEUES } from "@/lib/routing";
import { TICKET_REF_PATTERN } from "@/lib/tickets";
import { publicBaseUrl } from "../base-url";
import { staffAction, type StaffActionSuccess } from "./action-client";

/**
 * Ticket desk actions (issue 6). Every export is made with staffAction; the
 * data layer checks queue scope, the ticket version the form carried, and
 * writes the audit event in the same transaction. A refusal the clerk must
 * read (stale version, wrong status…) is thrown as AppError `refused` with its
 * reason and shown as an alert by components/console/staff-form.tsx.
 */

const ZRef = z.string().trim().toUpperCase().regex(TICKET_REF_PATTERN);
const ZTicketForm = z.object({ ref: ZRef, version: z.coerce.number().int().positive().max(2_000_000_000) });
const ZText = z.string().trim().min(1).max(4000);

async function run(input: z.output<typeof ZTicketForm>, staff: StaffPrincipal, action: TicketActionInput): Promise<StaffActionSuccess> {
  const result = await actOnTicket({ ref: input.ref, version: input.version, staff, now: new Date(), baseUrl: await publicBaseUrl() }, action);
  if (!result.ok) throw new AppError("refused", result.code);
  return { done: "done", revalidate: `/staff/tickets/${input.ref}` };
}

export const claimNextTicketAction = staffAction(ANY_STAFF, z.object({}), async (_input, staff) => {
  const ref = await claimNextTicket(staff, new Date());
  if (!ref) throw new AppError("refused", "empty");
  return { done: "done", redirectTo: `/staff/tickets/${ref}` };
});

export const claimTicketAction = staffAction(ANY_STAFF, ZTicketForm, (input, staff) => run(input, staff, { kind: "claim" }));

export const assignTicketAction = staffAction(
  ["supervisor", "admin"],
  ZTicketForm.extend({ assignee: z.union([z.literal("auto"), ZId]) }),
  (input, staff) => run(input, staff, { kind: "assign", assigneeId: input.assignee }),
);

export const replyTicketAction = staffAction(ANY_STAFF, ZTicketForm.extend({ body: ZText }), (input, staff) => run(input, staff, { kind: "reply", body: input.body }));

export const noteTicketAction = staffAction(ANY_STAFF, ZTicketForm.extend({ body: ZText }), (input, staff) => run(input, staff, { kind: "note", body: input.body }));

export const askInfoTicketAction = staffAction(ANY_STAFF, ZTicketForm.extend({ body: ZText }), (input, staff) => run(input, staff, { kind: "ask_info", body: input.body }));

export const transferTicketAction = staffAction(ANY_STAFF, ZTicketForm.extend({ queue: z.enum(TICKET_QUEUES) }), (input, staff) =>
  run(input, staff, { kind: "transfer", queue: input.queue }),
);

export const mergeTicketAction = staffAction(ANY_STAFF, ZTicketForm.extend({ into: ZRef }), (input, staff) => run(input, staff, { kind: "merge", intoRef: input.into }));

export const resolveTicketAction = staffAction(
  ANY_STAFF,
  ZTicketForm.extend({ body: z.string().trim().max(4000).optional() }),
  (input, staff) => run(input, staff, { kind: "resolve", body: input.body || undefined }),
);

export const closeTicketAction = staffAction(ANY_STAFF, ZTicketForm, (input, staff) => run(input, staff, { kind: "close" }));

export const manualMatchAction = staffAction(ANY_STAFF, z.object({ ref: ZRef, receiptId: ZId, lineId: ZId }), async (input, staff) => {
  const result = await manualMatch({ receiptId: input.receiptId, lineId: input.lineId, staff, now: new Date() });
  if (!result.ok) throw new AppError("refused", result.code);
  return { done: "done", revalidate: `/staff/tickets/${input.ref}` };
});

/**
 * The match a proof reading proposed (issue 15), confirmed by a clerk: the
 * same manual match as above (scope-checked, audited; the bank line is the
 * truth), then the ticket is resolved like any resolve. The line and receipt
 * come from the stored proposal, not from the form. If the ticket changed
 * meanwhile the match stands and the clerk is told the form was stale.
 */
export const confirmProposedMatchAction = staffAction(ANY_STAFF, ZTicketForm.extend({ attachmentId: ZId }), async (input, staff) => {
  const proposal = await unsafeProposedMatch(input.ref, input.attachmentId);
  if (!proposal) throw new AppError("refused", "not_found");
  const now = new Date();
  const matched = await manualMatch({ ...proposal, staff, now });
  if (!matched.ok) throw new AppError("refused", matched.code);
  const resolved = await actOnTicket({ ref: input.ref, version: input.version, staff, now, baseUrl: await publicBaseUrl() }, { kind: "resolve" });
  // not_allowed: posting the payment already resolved a ticket that was waiting on it.
  if (!resolved.ok && resolved.code !== "not_allowed") throw new AppError("refused", resolved.code);
  return { done: "done", revalidate: `/staff/tickets/${input.ref}` };
});
