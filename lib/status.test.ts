import { describe, expect, it } from "vitest";
import { createCalendar, LIBRARY_LAST_YEAR } from "./calendar";
import { derivePaymentStatus, type MatchedLine, type StatusReceipt } from "./status";

const calendar = createCalendar();
const onlineBank = { lagDays: 1, cutoff: "17:00", lockWindowMinutes: 30 };
const cash = { lagDays: 1, cutoff: "16:00", lockWindowMinutes: null };
const schedule = [
  { amountFen: 2000, effectiveFrom: "2024-01-01", effectiveTo: "2026-07-01" },
  { amountFen: 2500, effectiveFrom: "2026-07-01", effectiveTo: null },
];

const paid = (over: Partial<StatusReceipt> = {}): StatusReceipt => ({
  billingStatus: "paid",
  amountDueFen: 2500,
  amountPaidFen: 2500,
  paidAt: new Date("2026-11-18T10:00:00+08:00"), // Wednesday → expected Thursday 2026-11-19
  refundAmountFen: null,
  refundedAt: null,
  ...over,
});
const line = (amountFen = 2500, valueDate = "2026-11-19"): MatchedLine => ({ amountFen, valueDate });
const at = (iso: string) => new Date(iso);

type Case = [name: string, receipt: StatusReceipt, lines: MatchedLine[], now: Date, expected: object, channel?: typeof onlineBank | typeof cash];

const cases: Case[] = [
  ["matched, equal amount → posted", paid(), [line()], at("2026-11-19T09:00:00+08:00"), { code: "posted", postedOn: "2026-11-19", amountFen: 2500 }],
  ["posted even if billing still says sent_to_bank", paid({ billingStatus: "sent_to_bank" }), [line()], at("2026-11-18T10:05:00+08:00"), { code: "posted" }],
  ["money arrived although billing says unpaid", paid({ billingStatus: "unpaid", paidAt: null }), [line()], at("2026-11-20T09:00:00+08:00"), { code: "posted" }],
  ["not matched, before expected date → pending", paid(), [], at("2026-11-18T12:00:00+08:00"), { code: "pending", expectedDate: "2026-11-19" }],
  ["on the expected date itself → still pending", paid(), [], at("2026-11-19T23:59:00+08:00"), { code: "pending", expectedDate: "2026-11-19" }],
  ["first minute after the expected date → overdue", paid(), [], at("2026-11-20T00:00:00+08:00"), { code: "overdue", expectedDate: "2026-11-19" }],
  ["paid at the cut-off minute counts from the next day", paid({ paidAt: at("2026-11-18T17:00:00+08:00") }), [], at("2026-11-20T10:00:00+08:00"), { code: "pending", expectedDate: "2026-11-20" }],
  ["sent_to_bank inside the lock window → awaiting_bank", paid({ billingStatus: "sent_to_bank" }), [], at("2026-11-18T10:29:59+08:00"), { code: "awaiting_bank", retryAtLocal: "10:30" }],
  ["sent_to_bank at the end of the lock window → pending", paid({ billingStatus: "sent_to_bank" }), [], at("2026-11-18T10:30:00+08:00"), { code: "pending", expectedDate: "2026-11-19" }],
  ["sent_to_bank on a channel without lock window → pending", paid({ billingStatus: "sent_to_bank" }), [], at("2026-11-18T10:01:00+08:00"), { code: "pending", expectedDate: "2026-11-19" }, cash],
  ["settled amount differs → amount_mismatch with the old fee explained", paid({ amountPaidFen: 2000 }), [line(2000)], at("2026-11-20T09:00:00+08:00"), { code: "amount_mismatch", dueFen: 2500, settledFen: 2000, differenceFen: 500, feeChange: { previousFen: 2000, changedOn: "2026-07-01" } }],
  ["over-payment → posted, the excess to refund (issue 16)", paid(), [line(3000)], at("2026-11-20T09:00:00+08:00"), { code: "posted", amountFen: 3000, overpaidFen: 500 }],
  ["two parts adding up → posted on the last part's date", paid(), [line(1000, "2026-11-18"), line(1500, "2026-11-20")], at("2026-11-21T09:00:00+08:00"), { code: "posted", postedOn: "2026-11-20", amountFen: 2500, payments: [{ amountFen: 1000 }, { amountFen: 1500 }] }],
  ["two parts short → amount_mismatch with the part still missing", paid(), [line(1000, "2026-11-18"), line(500, "2026-11-20")], at("2026-11-21T09:00:00+08:00"), { code: "amount_mismatch", settledFen: 1500, differenceFen: 1000, postedOn: "2026-11-20", feeChange: null, payments: [{ amountFen: 1000 }, { amountFen: 500 }] }],
  ["two parts over → posted, the excess to refund", paid(), [line(2000), line(1000, "2026-11-20")], at("2026-11-21T09:00:00+08:00"), { code: "posted", amountFen: 3000, overpaidFen: 500 }],
  ["the amount due and a part → duplicate, the part refundable", paid(), [line(), line(1000, "2026-11-20")], at("2026-11-21T09:00:00+08:00"), { code: "duplicate", settlementCount: 2, refundableFen: 1000 }],
  ["two settlements → duplicate", paid(), [line(), line(2500, "2026-11-20")], at("2026-11-21T09:00:00+08:00"), { code: "duplicate", settlementCount: 2, settledFen: 5000, refundableFen: 2500, payments: [{ amountFen: 2500 }, { amountFen: 2500, valueDate: "2026-11-20" }] }],
  ["refund recorded → refund_pending", paid({ billingStatus: "refund_pending", refundAmountFen: 2500 }), [line(), line()], at("2026-11-21T09:00:00+08:00"), { code: "refund_pending", refundFen: 2500, expectedDate: null }],
  // Issue 18: the refund's date, five business days on the same calendar as posting dates.
  ["refund recorded Friday → five business days later, weekend skipped", paid({ billingStatus: "refund_pending", refundAmountFen: 2500, refundRecordedAt: at("2026-11-20T15:00:00+08:00") }), [], at("2026-11-21T09:00:00+08:00"), { code: "refund_pending", expectedDate: "2026-11-27" }],
  ["refund recorded late in the evening counts in the service zone", paid({ billingStatus: "refund_pending", refundAmountFen: 2500, refundRecordedAt: at("2026-11-20T23:30:00+08:00") }), [], at("2026-11-21T09:00:00+08:00"), { code: "refund_pending", expectedDate: "2026-11-27" }],
  ["refund recorded on a Saturday counts from the next business day", paid({ billingStatus: "refund_pending", refundAmountFen: 2500, refundRecordedAt: at("2026-11-21T10:00:00+08:00") }), [], at("2026-11-21T11:00:00+08:00"), { code: "refund_pending", expectedDate: "2026-11-27" }],
  ["refund recorded before National Day: the holiday week is skipped", paid({ billingStatus: "refund_pending", refundAmountFen: 2500, refundRecordedAt: at("2026-09-29T10:00:00+08:00") }), [], at("2026-09-29T11:00:00+08:00"), { code: "refund_pending", expectedDate: "2026-10-12" }],
  ["refund recorded in an unpublished year → no date promised", paid({ billingStatus: "refund_pending", refundAmountFen: 2500, refundRecordedAt: at(`${LIBRARY_LAST_YEAR + 1}-03-02T10:00:00+08:00`) }), [], at(`${LIBRARY_LAST_YEAR + 1}-03-02T11:00:00+08:00`), { code: "refund_pending", expectedDate: null }],
  ["refund done → refunded with its date", paid({ billingStatus: "refunded", refundAmountFen: 2500, refundedAt: at("2026-11-20T17:30:00Z") }), [line(), line()], at("2026-11-22T09:00:00+08:00"), { code: "refunded", refundFen: 2500, refundedOn: "2026-11-21" }],
  ["billing unpaid and nothing settled → unpaid", paid({ billingStatus: "unpaid", paidAt: null, amountPaidFen: null }), [], at("2026-11-22T09:00:00+08:00"), { code: "unpaid" }],
  ["voided outranks everything", paid({ billingStatus: "voided" }), [line()], at("2026-11-22T09:00:00+08:00"), { code: "voided" }],
  ["Golden Week: paid 2026-09-30 18:00, checked 10-08 → pending until 10-09", paid({ paidAt: at("2026-09-30T18:00:00+08:00") }), [], at("2026-10-08T12:00:00+08:00"), { code: "pending", expectedDate: "2026-10-09" }],
  ["make-up Saturday: paid Friday 2026-10-09, checked Sunday → overdue", paid({ paidAt: at("2026-10-09T10:00:00+08:00") }), [], at("2026-10-11T12:00:00+08:00"), { code: "overdue", expectedDate: "2026-10-10" }],
  ["expected date in an unknown year → pending without a guessed date", paid({ paidAt: at(`${LIBRARY_LAST_YEAR}-12-31T18:00:00+08:00`) }), [], at(`${LIBRARY_LAST_YEAR}-12-31T19:00:00+08:00`), { code: "pending", expectedDate: null, unknownYear: LIBRARY_LAST_YEAR + 1 }],
];

const confirmed = (amountFen = 2500, paidAt = at("2026-11-18T10:00:05+08:00")) => ({ channel: "wechat", amountFen, paidAt });
type ConfirmedCase = [name: string, receipt: StatusReceipt, lines: MatchedLine[], now: Date, confirmation: ReturnType<typeof confirmed>, expected: object];

// Issue 14: a channel's signed confirmation before (or beside) the bank statement.
const confirmedCases: ConfirmedCase[] = [
  ["confirmed, not settled → still pending (never posted without a statement)", paid(), [], at("2026-11-18T12:00:00+08:00"), confirmed(), { code: "pending", expectedDate: "2026-11-19" }],
  ["confirmed inside the lock window → the wait ends early: pending", paid({ billingStatus: "sent_to_bank" }), [], at("2026-11-18T10:10:00+08:00"), confirmed(), { code: "pending", expectedDate: "2026-11-19" }],
  ["confirmed and past the expected date → overdue", paid(), [], at("2026-11-20T09:00:00+08:00"), confirmed(), { code: "overdue", expectedDate: "2026-11-19" }],
  ["confirmed amount differs → amount_mismatch on the channel's evidence", paid(), [], at("2026-11-18T12:00:00+08:00"), confirmed(2000), { code: "amount_mismatch", dueFen: 2500, settledFen: 2000, differenceFen: 500, postedOn: null, evidence: "channel", feeChange: { previousFen: 2000, changedOn: "2026-07-01" } }],
  ["billing has not heard of the payment yet: the confirmation's time counts → pending", paid({ billingStatus: "unpaid", paidAt: null, amountPaidFen: null }), [], at("2026-11-18T12:00:00+08:00"), confirmed(), { code: "pending", expectedDate: "2026-11-19" }],
  ["settled equal → posted (the confirmation adds nothing)", paid(), [line()], at("2026-11-19T09:00:00+08:00"), confirmed(), { code: "posted", postedOn: "2026-11-19" }],
  ["settled amount wins over the confirmed one", paid(), [line(2500)], at("2026-11-19T09:00:00+08:00"), confirmed(2000), { code: "posted" }],
  ["voided outranks a confirmation", paid({ billingStatus: "voided" }), [], at("2026-11-19T09:00:00+08:00"), confirmed(), { code: "voided" }],
  ["refund recorded outranks a confirmation", paid({ billingStatus: "refund_pending", refundAmountFen: 2500 }), [], at("2026-11-19T09:00:00+08:00"), confirmed(), { code: "refund_pending" }],
];

describe("derivePaymentStatus with a channel confirmation", () => {
  it.each(confirmedCases)("%s", (_name, receipt, lines, now, confirmation, expected) => {
    expect(derivePaymentStatus(receipt, lines, onlineBank, { calendar, timeZone: "Asia/Shanghai", now, feeSchedule: schedule }, confirmation)).toMatchObject(expected);
  });
});

describe("derivePaymentStatus", () => {
  it.each(cases)("%s", (_name, receipt, lines, now, expected, channel = onlineBank) => {
    const status = derivePaymentStatus(receipt, lines, channel, { calendar, timeZone: "Asia/Shanghai", now, feeSchedule: schedule });
    expect(status).toMatchObject(expected);
  });
});
