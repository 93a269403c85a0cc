import { UnknownYearError, type BusinessCalendar } from "./calendar";
import { zonedParts, type IsoDate } from "./dates";
import { explainFeeChange, type FeeChange, type FeeScheduleEntry } from "./fee-schedule";
import { expectedPostingDate, type ChannelTiming } from "./posting-date";

/**
 * The payment status (SPEC §2.1) — derived, never stored, from the receipt,
 * its matched settlement lines, the channel, the calendar and the time.
 * The order of the rules below is the policy: a recorded refund or a void
 * outranks what the bank says; any settled money outranks "unpaid"; and a
 * payment is only ever called overdue once its expected date has passed.
 */

export const BILLING_STATUSES = ["paid", "sent_to_bank", "unpaid", "voided", "refunded", "refund_pending"] as const;
export type BillingStatus = (typeof BILLING_STATUSES)[number];

export const STATUS_CODES = [
  "posted",
  "pending",
  "awaiting_bank",
  "overdue",
  "amount_mismatch",
  "duplicate",
  "refund_pending",
  "refunded",
  "unpaid",
  "voided",
  "not_found",
] as const;
export type StatusCode = (typeof STATUS_CODES)[number];

export type StatusReceipt = {
  billingStatus: BillingStatus;
  amountDueFen: number;
  amountPaidFen: number | null;
  paidAt: Date | null;
  refundAmountFen: number | null;
  refundedAt: Date | null;
  /** When the refund was recorded (the receipt's last change); without it no refund date is promised. */
  refundRecordedAt?: Date | null;
};

/**
 * A recorded refund is paid out within this many business days (the refunds queue's SLA in
 * lib/routing.ts), counted on the same calendar as posting dates.
 */
export const REFUND_BUSINESS_DAYS = 5;

export type StatusChannel = ChannelTiming & { lockWindowMinutes: number | null };

/**
 * What one settlement credited to the receipt: its own line (at the gross when the channel kept a fee)
 * or its share of a batch credit, whose batch date is then given (issue 16, SPEC §3.6 data-batch-date).
 */
export type MatchedLine = { amountFen: number; valueDate: IsoDate; batchDate?: IsoDate | null };

/**
 * A payment channel's signed confirmation of this receipt's payment (issue 14): evidence that the
 * money left the payer, before any bank statement. It never makes a payment `posted` — only a
 * settlement line does — but it ends the lock-window wait, stands in for a missing paid-at, and an
 * amount that differs from the amount due is a mismatch.
 */
export type ChannelEvidence = { channel: string; amountFen: number; paidAt: Date };

export type StatusContext = {
  calendar: BusinessCalendar;
  timeZone: string;
  now: Date;
  feeSchedule?: FeeScheduleEntry[];
};

export type PaymentStatus =
  | {
      code: "posted";
      postedOn: IsoDate;
      amountFen: number;
      /** Paid through a terminal or channel batch (issue 16): the batch's date; the bank credit is postedOn. */
      batchDate?: IsoDate;
      /** Paid in parts or too much (issue 16): every credit, in value-date order. Absent for one exact credit. */
      payments?: MatchedLine[];
      /** Paid more than due: the excess, refunded through a `refunds` case matching opened by itself. */
      overpaidFen?: number;
    }
  | { code: "pending"; expectedDate: IsoDate | null; unknownYear: number | null }
  | { code: "awaiting_bank"; retryAt: Date; retryAtLocal: string }
  | { code: "overdue"; expectedDate: IsoDate }
  | {
      code: "amount_mismatch";
      dueFen: number;
      /** What was received: the settled amount, or the channel's confirmed amount before settlement. */
      settledFen: number;
      differenceFen: number;
      /** The settlement's value date; null when the evidence is a channel confirmation (nothing settled yet). */
      postedOn: IsoDate | null;
      evidence: "settlement" | "channel";
      feeChange: FeeChange | null;
      /** Paid in parts (issue 16): every credit so far; the difference is the part still missing. */
      payments?: MatchedLine[];
    }
  | { code: "duplicate"; settlementCount: number; settledFen: number; refundableFen: number; payments?: MatchedLine[] }
  | { code: "refund_pending"; refundFen: number; expectedDate: IsoDate | null }
  | { code: "refunded"; refundFen: number; refundedOn: IsoDate | null }
  | { code: "unpaid" }
  | { code: "voided" }
  | { code: "not_found" };

export function derivePaymentStatus(
  receipt: StatusReceipt,
  lines: MatchedLine[],
  channel: StatusChannel,
  ctx: StatusContext,
  confirmation: ChannelEvidence | null = null,
): PaymentStatus {
  const refundFen = receipt.refundAmountFen ?? receipt.amountPaidFen ?? receipt.amountDueFen;
  switch (receipt.billingStatus) {
    case "voided":
      return { code: "voided" };
    case "refunded":
      return {
        code: "refunded",
        refundFen,
        refundedOn: receipt.refundedAt ? zonedParts(receipt.refundedAt, ctx.timeZone).date : null,
      };
    case "refund_pending":
      return { code: "refund_pending", refundFen, expectedDate: expectedRefundDate(receipt.refundRecordedAt ?? null, ctx) };
  }

  const settledFen = lines.reduce((sum, l) => sum + l.amountFen, 0);
  if (lines.length > 0) return settledStatus(receipt.amountDueFen, lines, settledFen, ctx);

  // Nothing settled. The channel's confirmation of a different amount is already a mismatch.
  if (confirmation && confirmation.amountFen !== receipt.amountDueFen) {
    return {
      code: "amount_mismatch",
      dueFen: receipt.amountDueFen,
      settledFen: confirmation.amountFen,
      differenceFen: receipt.amountDueFen - confirmation.amountFen,
      postedOn: null,
      evidence: "channel",
      feeChange: explainFeeChange(ctx.feeSchedule ?? [], receipt.amountDueFen, confirmation.amountFen),
    };
  }

  // The channel saw the money leave the payer: paid, whatever billing says (its feed may lag behind).
  const paidAt = receipt.paidAt ?? confirmation?.paidAt ?? null;
  if (!paidAt || (!confirmation && receipt.billingStatus === "unpaid")) return { code: "unpaid" };

  // The lock window exists because the bank may still bounce the transfer; a channel confirmation ends the wait.
  if (!confirmation && receipt.billingStatus === "sent_to_bank" && channel.lockWindowMinutes !== null) {
    const retryAt = new Date(paidAt.getTime() + channel.lockWindowMinutes * 60_000);
    if (ctx.now < retryAt) return { code: "awaiting_bank", retryAt, retryAtLocal: zonedParts(retryAt, ctx.timeZone).hhmm };
  }

  let expectedDate: IsoDate;
  try {
    expectedDate = expectedPostingDate(paidAt, channel, ctx.calendar, ctx.timeZone);
  } catch (error) {
    if (error instanceof UnknownYearError) return { code: "pending", expectedDate: null, unknownYear: error.year };
    throw error;
  }
  const today = zonedParts(ctx.now, ctx.timeZone).date;
  if (today > expectedDate) return { code: "overdue", expectedDate };
  return { code: "pending", expectedDate, unknownYear: null };
}

/**
 * What matched credits make of a receipt (issue 16). The amount due paid once, or in parts that add up
 * to it, is `posted`. Parts that fall short are `amount_mismatch`, the difference being the part still
 * missing. The amount due paid again (a second credit beside one for the full amount) is `duplicate`;
 * any other excess is an over-payment: `posted`, the excess refunded. Both excesses open a refunds case
 * (db/import/match-refunds.ts). The SQL twin of this rule is POSTED_HAVING in db/queries/ticket-jobs.ts.
 */
function settledStatus(dueFen: number, lines: MatchedLine[], settledFen: number, ctx: StatusContext): PaymentStatus {
  const payments = lines.length > 1 ? { payments: lines } : {};
  const lastOn = lines.reduce((last, l) => (l.valueDate > last ? l.valueDate : last), lines[0]!.valueDate);
  if (lines.length >= 2 && settledFen > dueFen && lines.some((l) => l.amountFen === dueFen)) {
    return { code: "duplicate", settlementCount: lines.length, settledFen, refundableFen: settledFen - dueFen, payments: lines };
  }
  if (settledFen === dueFen) {
    const batchDate = lines.length === 1 ? lines[0]!.batchDate : null;
    return { code: "posted", postedOn: lastOn, amountFen: settledFen, ...(batchDate ? { batchDate } : {}), ...payments };
  }
  if (settledFen > dueFen) return { code: "posted", postedOn: lastOn, amountFen: settledFen, ...payments, overpaidFen: settledFen - dueFen };
  return {
    code: "amount_mismatch",
    dueFen,
    settledFen,
    differenceFen: dueFen - settledFen,
    postedOn: lastOn,
    evidence: "settlement",
    feeChange: lines.length === 1 ? explainFeeChange(ctx.feeSchedule ?? [], dueFen, settledFen) : null,
    ...payments,
  };
}

/** The business day by which a recorded refund is paid out; null when unknown (no record time, or an unpublished year). */
function expectedRefundDate(recordedAt: Date | null, ctx: StatusContext): IsoDate | null {
  if (!recordedAt) return null;
  try {
    return ctx.calendar.addBusinessDays(zonedParts(recordedAt, ctx.timeZone).date, REFUND_BUSINESS_DAYS);
  } catch (error) {
    if (error instanceof UnknownYearError) return null;
    throw error;
  }
}
