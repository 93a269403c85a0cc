import { describe, expect, it } from "vitest";
import { correctionRefusal, decisionRefusal, prepareRefusal, refundableFen, type CorrectionActor, type CorrectionReceipt } from "./corrections";

const agent = (queues: string[], id = 2): CorrectionActor => ({ id, role: "agent", queues });
const supervisor: CorrectionActor = { id: 3, role: "supervisor", queues: [] };
const admin: CorrectionActor = { id: 4, role: "admin", queues: [] };

describe("who prepares", () => {
  it.each([
    ["agent of the ticket's queue", agent(["refunds"]), "refunds", null],
    ["agent of other queues", agent(["bank_liaison"]), "refunds", "forbidden"],
    ["supervisor, any queue", supervisor, "data_entry", null],
    ["admin", admin, "refunds", "forbidden"],
  ] as const)("%s", (_name, actor, queue, expected) => {
    expect(prepareRefusal(actor, queue)).toBe(expected);
  });
});

describe("who approves or rejects", () => {
  it.each([
    ["the preparer, an agent", agent(["data_entry"], 1), "reentry", "own_correction"],
    ["the preparer, a supervisor", { ...supervisor, id: 1 }, "refund", "own_correction"],
    ["a supervisor, a refund", supervisor, "refund", null],
    ["a supervisor, a re-entry", supervisor, "reentry", null],
    ["another refunds agent, a refund", agent(["refunds"]), "refund", "supervisor_only"],
    ["another data-entry agent, a re-entry", agent(["data_entry"]), "reentry", null],
    ["an agent outside data entry, a re-entry", agent(["refunds"]), "reentry", "forbidden"],
    ["an admin", admin, "refund", "forbidden"],
  ] as const)("%s", (_name, actor, kind, expected) => {
    expect(decisionRefusal(actor, { kind, preparedBy: 1 })).toBe(expected);
  });
});

const now = new Date("2026-11-18T02:00:00Z");
const paid: CorrectionReceipt = { billingStatus: "paid", amountDueFen: 2500, amountPaidFen: 2500, settledFen: 5000 };
const unpaid: CorrectionReceipt = { billingStatus: "unpaid", amountDueFen: 8800, amountPaidFen: null, settledFen: 0 };
const reentry = (paidAt = new Date("2026-11-17T02:00:00Z")) => ({ kind: "reentry" as const, amountFen: 8800, paidAt });

describe("what the receipt admits", () => {
  it.each([
    ["refund within what settled (a duplicate)", paid, { kind: "refund" as const, amountFen: 5000 }, null],
    ["refund above what settled", paid, { kind: "refund" as const, amountFen: 5001 }, "amount_too_large"],
    ["refund of a paid, not yet settled payment", { ...paid, settledFen: 0 }, { kind: "refund" as const, amountFen: 2500 }, null],
    ["refund of a voided but paid receipt", { ...paid, billingStatus: "voided" as const }, { kind: "refund" as const, amountFen: 2500 }, null],
    ["refund of an unpaid receipt", unpaid, { kind: "refund" as const, amountFen: 100 }, "not_refundable"],
    ["a second refund", { ...paid, billingStatus: "refund_pending" as const }, { kind: "refund" as const, amountFen: 100 }, "not_refundable"],
    ["refund after refunded", { ...paid, billingStatus: "refunded" as const }, { kind: "refund" as const, amountFen: 100 }, "not_refundable"],
    ["re-entry of an unpaid receipt", unpaid, reentry(), null],
    ["re-entry paid in the future", unpaid, reentry(new Date("2026-11-18T03:00:00Z")), "paid_in_future"],
    ["re-entry of a paid receipt", paid, reentry(), "not_reenterable"],
    ["re-entry when a line already settled", { ...unpaid, settledFen: 8800 }, reentry(), "not_reenterable"],
  ] as const)("%s", (_name, receipt, correction, expected) => {
    expect(correctionRefusal(receipt, correction, now)).toBe(expected);
  });

  it("refundable is the larger of settled and paid", () => {
    expect(refundableFen({ ...paid, settledFen: 0 })).toBe(2500);
    expect(refundableFen(paid)).toBe(5000);
    expect(refundableFen(unpaid)).toBe(0);
  });
});
