import { describe, expect, it } from "vitest";
import { hashTrackingSecret, isPoorRating, newTicketRef, newTrackingSecret, normaliseContact, progressStages, RATING_SCALE, TICKET_REF_PATTERN, trackingSecretMatches, ZOpenTicketInput } from "./tickets";

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

describe("progressStages (办件进度)", () => {
  const made = new Date("2026-11-30T02:00:00Z");
  const later = (h: number) => new Date(made.getTime() + h * 3_600_000);
  it.each([
    ["just received", { status: "open", resolvedAt: null, events: [{ actor: "resident", kind: "created", at: made }] }, [made, null, null]],
    [
      "a resident reply alone does not start handling",
      { status: "open", resolvedAt: null, events: [{ actor: "resident", kind: "created", at: made }, { actor: "resident", kind: "resident_reply", at: later(1) }] },
      [made, null, null],
    ],
    [
      "staff asked for information",
      { status: "waiting_on_payer", resolvedAt: null, events: [{ actor: "resident", kind: "created", at: made }, { actor: "staff", kind: "info_requested", at: later(3) }] },
      [made, later(3), null],
    ],
    [
      "escalated by the system, then resolved",
      { status: "resolved", resolvedAt: later(30), events: [{ actor: "resident", kind: "created", at: made }, { actor: "system", kind: "escalated", at: later(24) }, { actor: "staff", kind: "resolved", at: later(30) }] },
      [made, later(24), later(30)],
    ],
    ["closed by itself when the payment posted", { status: "closed", resolvedAt: later(5), events: [{ actor: "resident", kind: "created", at: made }] }, [made, later(5), later(5)]],
  ] as const)("%s", (_name, ticket, expected) => {
    const stages = progressStages({ createdAt: made, ...ticket, events: [...ticket.events] });
    expect(stages.map((s) => s.stage)).toEqual(["received", "handling", "done"]);
    expect(stages.map((s) => s.at)).toEqual(expected);
  });
});

describe("好差评", () => {
  it.each([
    [5, false],
    [4, false],
    [3, false],
    [2, true],
    [1, true],
  ])("rating %i is 差评: %s", (rating, poor) => {
    expect(isPoorRating(rating)).toBe(poor);
  });
  it("lists the scale best first", () => expect(RATING_SCALE).toEqual([5, 4, 3, 2, 1]));
});
