import { describe, expect, it } from "vitest";
import { hashTrackingSecret, newTicketRef, newTrackingSecret, normaliseContact, TICKET_REF_PATTERN, trackingSecretMatches, ZOpenTicketInput } from "./tickets";

describe("ticket identities", () => {
  it("references look like T-7K4M-2Q9X and do not repeat", () => {
    const refs = new Set(Array.from({ length: 2000 }, newTicketRef));
    expect(refs.size).toBe(2000);
    for (const ref of refs) expect(ref).toMatch(TICKET_REF_PATTERN);
  });

  it("tracking secrets carry at least 128 random bits and only their hash is compared", () => {
    const secret = newTrackingSecret();
    expect(Buffer.from(secret, "base64url").length * 8).toBeGreaterThanOrEqual(128);
    const hash = hashTrackingSecret(secret);
    expect(hash).not.toContain(secret);
    expect(trackingSecretMatches(secret, hash)).toBe(true);
    expect(trackingSecretMatches(newTrackingSecret(), hash)).toBe(false);
    expect(trackingSecretMatches(undefined, hash)).toBe(false);
  });
});

describe("normaliseContact", () => {
  it.each([
    ["13800138000", { kind: "phone", value: "13800138000" }],
    ["+86 138-0013-8000", { kind: "phone", value: "13800138000" }],
    ["１３８００１３８０００", { kind: "phone", value: "13800138000" }],
    ["Li.Wei@Example.cn", { kind: "email", value: "li.wei@example.cn" }],
    ["12345", null],
    ["23800138000", null],
    ["not an email", null],
    ["", null],
  ])("%j → %j", (input, out) => {
    expect(normaliseContact(input)).toEqual(out);
  });
});

describe("ZOpenTicketInput", () => {
  const good = { category: "not_posted", description: "钱扣了但没入账", contact: "13800138000", idempotencyKey: "abcdefghijklmnop" };
  it.each([
    [good, null],
    [{ ...good, category: "hack" }, "categoryRequired"],
    [{ ...good, description: "   " }, "descriptionRequired"],
    [{ ...good, description: "x".repeat(2001) }, "descriptionTooLong"],
    [{ ...good, contact: "" }, "contactRequired"],
    [{ ...good, contact: "call me" }, "contactInvalid"],
    [{ ...good, idempotencyKey: "short" }, "invalid"],
  ])("%#", (input, error) => {
    const result = ZOpenTicketInput.safeParse(input);
    if (error === null) expect(result.success).toBe(true);
    else expect(result.error?.issues[0]?.message).toBe(error);
  });
});
