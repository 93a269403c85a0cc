"use server";

import { z } from "zod";
import { decideCorrection, markRefundPaidOut, prepareCorrection } from "@/db/queries/corrections";
import { ZId } from "@/lib/action-state";
import { parseYuan } from "@/lib/money";
import { env } from "@/lib/env";
import { zonedInstant } from "@/lib/dates";
import { TICKET_REF_PATTERN } from "@/lib/tickets";
import { staffAction } from "@/app/staff/action-client";

/** Refund and re-entry (补录) corrections: thin wrappers over db/queries/corrections.ts, which checks scope and the maker-checker rules. */

const ZYuan = z.string().transform((value, ctx) => {
  const parsed = parseYuan(value);
  if (!parsed.ok || parsed.fen === 0) {
    ctx.addIssue({ code: "custom", message: "amount" });
    return z.NEVER;
  }
  return parsed.fen;
});
const ZText = (max: number) => z.string().trim().min(1).max(max);
const ZRef = z.string().regex(TICKET_REF_PATTERN);

const ZPrepare = z.discriminatedUnion("kind", [
  z.object({ ticket: ZRef, kind: z.literal("refund"), amount: ZYuan, reason: ZText(500), payeeAccount: ZText(64) }),
  z.object({
    ticket: ZRef,
    kind: z.literal("reentry"),
    amount: ZYuan,
    reason: ZText(500),
    channel: z.string().regex(/^[a-z_]{1,32}$/),
    // <input type="datetime-local">: the service zone's wall-clock time.
    paidAt: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/),
    bankRef: z.string().trim().max(64),
  }),
]);

export const prepareCorrectionAction = staffAction(["agent", "supervisor"], ZPrepare, async (input, staff) => {
  const correction =
    input.kind === "refund"
      ? { kind: input.kind, amountFen: input.amount, reason: input.reason, payeeAccount: input.payeeAccount }
      : {
          kind: input.kind,
          amountFen: input.amount,
          reason: input.reason,
          channel: input.channel,
          paidAt: zonedInstant(input.paidAt.slice(0, 10), input.paidAt.slice(11), env().TZ),
          bankRef: input.bankRef,
        };
  const result = await prepareCorrection(staff, input.ticket, correction, new Date());
  if (!result.ok) return { done: "refused", redirectTo: `/staff/corrections/new?ticket=${input.ticket}&kind=${input.kind}&error=${result.code}` };
  return { done: "prepared", redirectTo: `/staff/corrections/${result.id}?done=prepared` };
});

export const decideCorrectionAction = staffAction(
  ["agent", "supervisor"],
  z.object({ id: ZId, version: ZId, decision: z.enum(["approve", "reject"]), note: z.string().trim().max(500).default("") }),
  async (input, staff) => {
    const result = await decideCorrection(staff, input, new Date());
    const outcome = result.ok ? `done=${input.decision === "approve" ? "approved" : "rejected"}` : `error=${result.code}`;
    return { done: result.ok ? "decided" : "refused", redirectTo: `/staff/corrections/${input.id}?${outcome}` };
  },
);

export const markRefundPaidOutAction = staffAction(["agent", "supervisor"], z.object({ id: ZId, version: ZId }), async (input, staff) => {
  const result = await markRefundPaidOut(staff, input, new Date());
  return { done: result.ok ? "paid_out" : "refused", redirectTo: `/staff/corrections/${input.id}?${result.ok ? "done=paid_out" : `error=${result.code}`}` };
});
