import { describe, expect, it } from "vitest";
import { decideProofCheck, reentryDefaults, type EvidenceLine, type StoreEvidence } from "./check";
import { parseProofFields } from "./fields";

const slip = parseProofFields("-50.00\n支付时间 2026-11-09 10:00:00\n交易单号 4200001234202611090000000001\n商户单号 1100514363882413");
const line = (o: Partial<EvidenceLine> = {}): EvidenceLine => ({ id: 7, amountFen: 5000, valueDate: "2026-11-10", bankRef: "4200001234202611090000000001", matchedReceiptId: null, ...o });
const receipt = { id: 1, receiptNo: "1100514363882413", paidDate: "2026-11-10", matched: false };
const none: StoreEvidence = { reusedFor: null, referenceLine: null, confirmation: null, amountLines: [], receipt };
const at = (o: Partial<StoreEvidence>): StoreEvidence => ({ ...none, ...o });

describe("decideProofCheck", () => {
  it.each<[string, StoreEvidence, { result: string; proposedLineId: number | null; detail?: object }]>([
    ["free line, same amount, receipt unmatched → proposed", at({ referenceLine: line() }), { result: "reference_match", proposedLineId: 7, detail: { sameAmount: true, receiptNoOnSlip: "this" } }],
    ["different amount → no proposal", at({ referenceLine: line({ amountFen: 4000 }) }), { result: "reference_match", proposedLineId: null, detail: { sameAmount: false } }],
    ["line matched to another receipt → no proposal", at({ referenceLine: line({ matchedReceiptId: 99 }) }), { result: "reference_match", proposedLineId: null, detail: { lineMatchedElsewhere: true } }],
    ["receipt already matched → no proposal", at({ referenceLine: line(), receipt: { ...receipt, matched: true } }), { result: "reference_match", proposedLineId: null }],
    ["not_found receipt (not in the store) → no proposal", at({ referenceLine: line(), receipt: null }), { result: "reference_match", proposedLineId: null }],
    ["a channel confirmation alone", at({ confirmation: { channel: "wechat", amountFen: 5000, receiptNo: null } }), { result: "reference_match", proposedLineId: null, detail: { confirmationChannel: "wechat", sameAmount: true } }],
    ["reuse wins over a reference match", at({ referenceLine: line(), reusedFor: { receiptNo: "X1", by: "transaction_id" } }), { result: "reused", proposedLineId: null, detail: { otherReceiptNo: "X1" } }],
    ["same amount in the window, a day before the billing record", at({ amountLines: [line({ bankRef: null })] }), { result: "amount_match", proposedLineId: null, detail: { dayOffset: -1, lines: 1 } }],
    ["nothing", none, { result: "not_found_yet", proposedLineId: null }],
  ])("%s", (_name, evidence, expected) => {
    expect(decideProofCheck(slip, evidence)).toMatchObject(expected);
  });

  it("a slip without amount or any number is unreadable, whatever the store holds", () => {
    expect(decideProofCheck(parseProofFields("支付成功"), at({ amountLines: [line()] })).result).toBe("unreadable");
    expect(decideProofCheck(null, none).result).toBe("unreadable");
  });

  it("a receipt number on the slip that is not the ticket's is said", () => {
    expect(decideProofCheck(slip, at({ receipt: { ...receipt, receiptNo: "2026990000000019" } })).detail.receiptNoOnSlip).toBe("other");
  });
});

describe("reentryDefaults", () => {
  const stored = (result: "reference_match" | "amount_match", detail: Record<string, string | number | boolean | null>) => ({
    result,
    detail,
    fields: { amount: { value: 12800 }, date: { value: "2026-12-03" }, time: { value: "09:41:07" }, transactionId: { value: "4200002026120312800000003636" } },
  });

  it("fills amount, time of payment and bank reference from a slip whose number is on a free line", () => {
    expect(reentryDefaults([stored("amount_match", { lineId: 3 }), stored("reference_match", { lineId: 9 })])).toEqual({ amount: "128.00", paidAt: "2026-12-03T09:41", bankRef: "4200002026120312800000003636" });
  });

  it("nothing from an amount match alone or a line another receipt has", () => {
    expect(reentryDefaults([stored("amount_match", { lineId: 3 })])).toBeNull();
    expect(reentryDefaults([stored("reference_match", { lineId: 9, lineMatchedElsewhere: true })])).toBeNull();
    expect(reentryDefaults([])).toBeNull();
  });
});
