import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { lookupProof, receiptLink, receiptToken, verifyLookupProof, verifyReceiptToken } from "./receipt-link";

const SECRET = "s".repeat(32);
const RECEIPT = "2026110300000011";

describe("receipt QR token", () => {
  it("is the SPEC formula", () => {
    const expected = createHmac("sha256", SECRET).update(`r1:${RECEIPT}`).digest("base64url").slice(0, 22);
    expect(receiptToken(SECRET, RECEIPT)).toBe(expected);
    expect(expected).toHaveLength(22);
  });

  it.each([
    ["its own token", RECEIPT, () => receiptToken(SECRET, RECEIPT), true],
    ["another receipt's token", RECEIPT, () => receiptToken(SECRET, "2026110300000029"), false],
    ["a token made with another secret", RECEIPT, () => receiptToken("x".repeat(32), RECEIPT), false],
    ["a tampered character", RECEIPT, () => "A" + receiptToken(SECRET, RECEIPT).slice(1), false],
    ["a truncated token", RECEIPT, () => receiptToken(SECRET, RECEIPT).slice(0, 21), false],
    ["no token", RECEIPT, () => undefined, false],
    ["an empty token", RECEIPT, () => "", false],
  ])("%s → %s", (_name, receipt, token, ok) => {
    const t = token();
    if (ok) expect(verifyReceiptToken(SECRET, receipt, t)).toBe(true);
    else expect(verifyReceiptToken(SECRET, receipt, t)).toBe(false);
  });

  it("builds the signed status URL", () => {
    expect(receiptLink("https://pay.example.gov.cn", SECRET, RECEIPT)).toBe(
      `https://pay.example.gov.cn/r/${RECEIPT}?t=${receiptToken(SECRET, RECEIPT)}`,
    );
  });
});

describe("lookup proof cookie", () => {
  const now = 1_800_000_000_000;
  it.each([
    ["valid and unexpired", RECEIPT, lookupProof(SECRET, RECEIPT, now + 1000), true],
    ["expired", RECEIPT, lookupProof(SECRET, RECEIPT, now - 1), false],
    ["for another receipt", "2026110300000029", lookupProof(SECRET, RECEIPT, now + 1000), false],
    ["expiry pushed forward", RECEIPT, lookupProof(SECRET, RECEIPT, now + 1000).replace(/^\d+/, String(now + 10_000_000)), false],
    ["garbage", RECEIPT, "abc", false],
    ["missing", RECEIPT, undefined, false],
  ])("%s → %s", (_name, receipt, value, ok) => {
    expect(verifyLookupProof(SECRET, receipt, value, now)).toBe(ok);
  });
});
