import { describe, expect, it } from "vitest";
import { amountMatches, validateLookup } from "./lookup";
import { DEFAULT_RECEIPT_FORMAT, withLuhnDigit } from "./receipt-number";

const GOOD = withLuhnDigit("202611030000001");
const BAD_DIGIT = GOOD.slice(0, 15) + ((Number(GOOD[15]) + 1) % 10);

describe("validateLookup", () => {
  it.each([
    [{ receipt: GOOD, amount: "120.50" }, { ok: true, receiptNo: GOOD, amountFen: 12050 }],
    [{ receipt: `${GOOD.slice(0, 8)}-${GOOD.slice(8)}`, amount: "¥1,234.5" }, { ok: true, receiptNo: GOOD, amountFen: 123450 }],
    [{ receipt: "", amount: "" }, { ok: false, code: "invalid", fieldErrors: { receipt: "receiptRequired", amount: "amountRequired" } }],
    [{ receipt: BAD_DIGIT, amount: "10" }, { ok: false, code: "mistyped", fieldErrors: {} }],
    [{ receipt: BAD_DIGIT, amount: "x" }, { ok: false, code: "mistyped", fieldErrors: { amount: "amountInvalid" } }],
    [{ receipt: "-", amount: "10" }, { ok: false, code: "invalid", fieldErrors: { receipt: "receiptInvalid" } }],
    [{ receipt: "😀😀", amount: "10" }, { ok: false, code: "invalid", fieldErrors: { receipt: "receiptInvalid" } }],
    [{ receipt: "1; DROP TABLE receipts;--", amount: "10" }, { ok: false, code: "invalid", fieldErrors: { receipt: "receiptInvalid" } }],
    [{ receipt: "9".repeat(200), amount: "10" }, { ok: false, code: "invalid", fieldErrors: { receipt: "receiptInvalid" } }],
    [{ receipt: GOOD, amount: "-5" }, { ok: false, code: "invalid", fieldErrors: { amount: "amountInvalid" } }],
    [{ receipt: GOOD, amount: "1.234" }, { ok: false, code: "invalid", fieldErrors: { amount: "amountInvalid" } }],
    [{ receipt: GOOD, amount: "1e3" }, { ok: false, code: "invalid", fieldErrors: { amount: "amountInvalid" } }],
  ])("%j", (input, result) => {
    expect(validateLookup(input, DEFAULT_RECEIPT_FORMAT)).toEqual(result);
  });
});

describe("amountMatches", () => {
  it.each([
    [{ amountPaidFen: 12050, amountDueFen: 12050 }, 12050, true],
    [{ amountPaidFen: 2000, amountDueFen: 2500 }, 2000, true],
    [{ amountPaidFen: 2000, amountDueFen: 2500 }, 2500, false],
    [{ amountPaidFen: null, amountDueFen: 2500 }, 2500, true],
    [{ amountPaidFen: null, amountDueFen: 2500 }, 2501, false],
  ])("%j typed %i → %s", (receipt, typed, ok) => {
    expect(amountMatches(receipt, typed)).toBe(ok);
  });
});
