import { describe, expect, it } from "vitest";
import { parseReceiptPush, MAX_PUSH } from "./receipt-push";
import { DEFAULT_RECEIPT_FORMAT } from "./receipt-number";

const valid = {
  receipt_no: "2026110000000011",
  service: "hukou",
  payer_name: "张三",
  payer_phone: "13800000000",
  amount_due_fen: 2500,
  amount_paid_fen: 2500,
  channel: "wechat",
  paid_at: "2026-11-03T10:15:00+08:00",
  bank_ref: "WX123",
  billing_status: "paid",
};
const parse = (body: unknown) => parseReceiptPush(body, DEFAULT_RECEIPT_FORMAT);

describe("parseReceiptPush", () => {
  it("accepts one receipt, normalising the number and reading the time with its offset", () => {
    const result = parse({ ...valid, receipt_no: "2026 1100 0000 0011" });
    expect(result).toEqual({
      ok: true,
      records: [
        {
          receiptNo: "2026110000000011",
          service: "hukou",
          payerName: "张三",
          payerPhone: "13800000000",
          amountDueFen: 2500,
          amountPaidFen: 2500,
          channel: "wechat",
          paidAt: new Date("2026-11-03T02:15:00Z"),
          bankRef: "WX123",
          billingStatus: "paid",
        },
      ],
    });
  });

  it("accepts a batch and leaves optional fields empty", () => {
    const unpaid = { receipt_no: "2026110000000094", service: "tax", payer_name: "郑十", amount_due_fen: 8800, channel: "counter", billing_status: "unpaid" };
    const result = parse({ receipts: [valid, unpaid] });
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.records[1]).toMatchObject({ amountPaidFen: null, paidAt: null, bankRef: null, payerPhone: null });
  });

  it.each([
    ["a mistyped check digit", { ...valid, receipt_no: "2026110000000012" }, { index: 0, field: "receipt_no", code: "mistyped" }],
    ["yuan instead of fen", { ...valid, amount_due_fen: 25.5 }, { index: 0, field: "amount_due_fen", code: "invalid_type" }],
    ["a negative amount", { ...valid, amount_paid_fen: -1 }, { index: 0, field: "amount_paid_fen", code: "too_small" }],
    ["an amount as a string", { ...valid, amount_due_fen: "2500" }, { index: 0, field: "amount_due_fen", code: "invalid_type" }],
    ["a time without offset", { ...valid, paid_at: "2026-11-03T10:15:00" }, { index: 0, field: "paid_at", code: "invalid_format" }],
    ["an unknown billing status", { ...valid, billing_status: "settled" }, { index: 0, field: "billing_status", code: "invalid_value" }],
    ["a missing payer name", { ...valid, payer_name: " " }, { index: 0, field: "payer_name", code: "too_small" }],
    ["not an object", "2026110000000011", { index: 0, field: "receipt", code: "invalid_type" }],
  ])("refuses %s", (_name, body, error) => {
    const result = parse(body);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors).toContainEqual(error);
  });

  it("refuses the same receipt twice in one batch, an empty batch and an oversized one", () => {
    expect(parse({ receipts: [valid, { ...valid, receipt_no: "2026-1100-0000-0011" }] })).toEqual({ ok: false, errors: [{ index: 1, field: "receipt_no", code: "duplicate_in_batch" }] });
    expect(parse({ receipts: [] })).toEqual({ ok: false, errors: [{ index: -1, field: "receipts", code: "too_small" }] });
    expect(parse({ receipts: "x" })).toEqual({ ok: false, errors: [{ index: -1, field: "receipts", code: "invalid_type" }] });
    expect(parse({ receipts: Array.from({ length: MAX_PUSH + 1 }, () => valid) })).toEqual({ ok: false, errors: [{ index: -1, field: "receipts", code: "too_big" }] });
  });

  it("never echoes a value in an error", () => {
    const result = parse({ ...valid, payer_name: 42, payer_phone: "1".repeat(50) });
    expect(JSON.stringify(result)).not.toContain("1111");
  });
});
