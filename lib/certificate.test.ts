import { describe, expect, it } from "vitest";
import { certificateFields, certificateId, certificateLink, maskReceiptNo, verifyCertificateLink } from "./certificate";

const secret = "test-receipt-link-secret-0123456789abcdef";
const fields = certificateFields(secret, "2026110000000011", "户籍业务", 2500, "2026-11-19");
const query = (link: string) => Object.fromEntries(new URL(link).searchParams);
const idOf = (link: string) => decodeURIComponent(new URL(link).pathname.split("/").pop()!);

describe("maskReceiptNo", () => {
  it.each([
    ["2026110000000011", "2026********0011"],
    ["AB12345678", "AB12**5678"],
    ["12345678", "********"],
    ["", ""],
  ])("%s → %s", (input, masked) => expect(maskReceiptNo(input)).toBe(masked));
});

describe("certificateId", () => {
  it("is stable for one posting and differs for another receipt, amount or date", () => {
    const id = certificateId(secret, "2026110000000011", 2500, "2026-11-19");
    expect(id).toMatch(/^JF-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}$/);
    expect(certificateId(secret, "2026110000000011", 2500, "2026-11-19")).toBe(id);
    expect(certificateId(secret, "2026110000000029", 2500, "2026-11-19")).not.toBe(id);
    expect(certificateId(secret, "2026110000000011", 2400, "2026-11-19")).not.toBe(id);
    expect(certificateId(secret, "2026110000000011", 2500, "2026-11-20")).not.toBe(id);
  });
});

describe("certificate verification link", () => {
  const link = certificateLink("https://pay.example.gov.cn", secret, fields);

  it("carries only the certificate's fields, never the full receipt number", () => {
    expect(link).not.toContain("2026110000000011");
    expect(Object.keys(query(link)).sort()).toEqual(["a", "d", "n", "s", "t"]);
    expect(verifyCertificateLink(secret, idOf(link), query(link))).toEqual(fields);
  });

  const tampered: [string, (q: Record<string, string>) => void][] = [
    ["amount changed", (q) => void (q.a = "25000")],
    ["date changed", (q) => void (q.d = "2026-11-20")],
    ["fee type changed", (q) => void (q.s = "医保缴费")],
    ["masked number changed", (q) => void (q.n = "2026********0029")],
    ["signature cut", (q) => void (q.t = q.t!.slice(0, 21))],
    ["signature missing", (q) => void delete q.t],
    ["amount not a number", (q) => void (q.a = "25.00")],
    ["control character in the fee type", (q) => void (q.s = "户籍\u0000业务")],
  ];
  it.each(tampered)("refuses a link with the %s", (_name, change) => {
    const q = query(link);
    change(q);
    expect(verifyCertificateLink(secret, idOf(link), q)).toBeNull();
  });

  it("refuses another certificate's id, a malformed id, a repeated parameter and another secret", () => {
    const other = certificateFields(secret, "2026110000000029", "户籍业务", 2500, "2026-11-19");
    expect(verifyCertificateLink(secret, other.id, query(link))).toBeNull();
    expect(verifyCertificateLink(secret, "JF-zzzz", query(link))).toBeNull();
    expect(verifyCertificateLink(secret, idOf(link), { ...query(link), a: ["2500", "2500"] })).toBeNull();
    expect(verifyCertificateLink("another-secret-0123456789abcdef0123456789", idOf(link), query(link))).toBeNull();
  });

  it("is not a receipt QR token: the same secret signs them under different prefixes", async () => {
    const { receiptToken } = await import("./receipt-link");
    expect(query(link).t).not.toBe(receiptToken(secret, "2026110000000011"));
  });
});
