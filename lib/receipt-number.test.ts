import { describe, expect, it } from "vitest";
import { checkReceiptNo, luhnValid, normaliseReceiptNo, receiptFormatFrom, withLuhnDigit } from "./receipt-number";

const VALID = withLuhnDigit("202611030000001"); // 16 digits

describe("normaliseReceiptNo", () => {
  it.each([
    ["2026 1103 0000 0011", "2026110300000011"],
    ["2026-1103-0000-0011", "2026110300000011"],
    ["２０２６１１０３００００００１１", "2026110300000011"],
    ["２０２６－１１０３　００００ ００１１", "2026110300000011"],
    ["ab-12", "AB12"],
    ["\t2026\n", "2026"],
  ])("%j → %s", (input, out) => {
    expect(normaliseReceiptNo(input)).toBe(out);
  });
});

describe("luhn", () => {
  it.each([
    ["79927398713", true],
    ["79927398710", false],
    ["0000000000000000", true],
    ["4111111111111111", true],
    ["4111111111111112", false],
    ["", false],
    ["12a4", false],
  ])("%s valid=%s", (digits, valid) => {
    expect(luhnValid(digits)).toBe(valid);
  });

  it("withLuhnDigit makes valid numbers", () => {
    for (const payload of ["1", "202611030000001", "999999999999999"]) {
      expect(luhnValid(withLuhnDigit(payload))).toBe(true);
    }
  });
});

describe("checkReceiptNo", () => {
  const wrongDigit = VALID.slice(0, 15) + ((Number(VALID[15]) + 1) % 10);
  it.each([
    [VALID, { ok: true, receiptNo: VALID }],
    [VALID.replace(/(\d{4})/g, "$1 ").trim(), { ok: true, receiptNo: VALID }],
    [wrongDigit, { ok: false, code: "mistyped", receiptNo: wrongDigit }],
    [VALID.slice(0, 15), { ok: false, code: "mistyped", receiptNo: VALID.slice(0, 15) }],
    ["ABCDEF", { ok: false, code: "mistyped", receiptNo: "ABCDEF" }],
    ["", { ok: false, code: "invalid", receiptNo: "" }],
    ["-", { ok: false, code: "invalid", receiptNo: "" }],
    ["😀", { ok: false, code: "invalid", receiptNo: "😀" }],
    ["1' OR '1'='1", { ok: false, code: "invalid", receiptNo: "1'OR'1'='1" }],
    ["9".repeat(200), { ok: false, code: "invalid", receiptNo: "9".repeat(200) }],
  ])("%j", (input, result) => {
    expect(checkReceiptNo(input)).toEqual(result);
  });

  it("accepts another issuer's format", () => {
    const format = receiptFormatFrom("HZ\\d{8}", "none");
    expect(checkReceiptNo("hz-1234 5678", format)).toEqual({ ok: true, receiptNo: "HZ12345678" });
    expect(checkReceiptNo("HZ1234567", format)).toMatchObject({ ok: false, code: "mistyped" });
    expect(() => receiptFormatFrom(undefined, "crc")).toThrow(/crc/);
  });
});
