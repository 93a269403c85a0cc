import { describe, expect, it } from "vitest";
import { checkContact, receiptHint, subscribedMark, unsubscribeToken, verifySubscribedMark, verifyUnsubscribeToken } from "./posting-notice";

describe("checkContact", () => {
  it.each([
    ["13800138000", { ok: true, kind: "mobile", contact: "13800138000" }],
    ["138 0013 8000", { ok: true, kind: "mobile", contact: "13800138000" }],
    ["+86 138-0013-8000", { ok: true, kind: "mobile", contact: "13800138000" }],
    ["１３８００１３８０００", { ok: true, kind: "mobile", contact: "13800138000" }],
    ["Li.Ming@Example.COM", { ok: true, kind: "email", contact: "Li.Ming@example.com" }],
    ["", { ok: false, code: "required" }],
    ["   ", { ok: false, code: "required" }],
    ["12800138000", { ok: false, code: "invalid" }],
    ["1380013800", { ok: false, code: "invalid" }],
    ["010-12345678", { ok: false, code: "invalid" }],
    ["name@localhost", { ok: false, code: "invalid" }],
    ["a b@example.com", { ok: false, code: "invalid" }],
    ["a@b@example.com", { ok: false, code: "invalid" }],
    [`${"a".repeat(250)}@example.com`, { ok: false, code: "invalid" }],
  ])("%j → %j", (input, expected) => {
    expect(checkContact(input)).toEqual(expected);
  });
});

describe("signed tokens", () => {
  const secret = "s".repeat(32);
  it("unsubscribe tokens name their subscription and nothing else", () => {
    const token = unsubscribeToken(secret, 17);
    expect(verifyUnsubscribeToken(secret, token)).toBe(17);
    expect(verifyUnsubscribeToken(secret, token.replace(/^17/, "18"))).toBeNull();
    expect(verifyUnsubscribeToken("t".repeat(32), token)).toBeNull();
    for (const bad of [undefined, "", "17", "17.", "x.y", `${token}x`]) expect(verifyUnsubscribeToken(secret, bad)).toBeNull();
  });

  it("the subscribed mark is per receipt", () => {
    const mark = subscribedMark(secret, "2026110000000029");
    expect(verifySubscribedMark(secret, "2026110000000029", mark)).toBe(true);
    expect(verifySubscribedMark(secret, "2026110000000037", mark)).toBe(false);
    expect(verifySubscribedMark(secret, "2026110000000029", undefined)).toBe(false);
  });

  it("names a receipt by its last four characters", () => {
    expect(receiptHint("2026110000000029")).toBe("…0029");
  });
});
