import { describe, expect, it } from "vitest";
import {
  checkTotp,
  newRecoveryCodes,
  normaliseRecoveryCode,
  openTotpSecret,
  sealTotpSecret,
  secondFactorInput,
  secondFactorNeed,
  totpCode,
  totpStep,
} from "./totp";

const SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
const t0 = new Date("2026-12-03T04:00:05Z");
const at = (seconds: number) => new Date(t0.getTime() + seconds * 1000);
const step0 = totpStep(t0);

describe("checkTotp", () => {
  it.each([
    ["the current code", 0, 0, null, { ok: true, step: step0 }],
    ["a code from the step before (clock drift)", -30, 0, null, { ok: true, step: step0 - 1 }],
    ["a code from the step after", 30, 0, null, { ok: true, step: step0 + 1 }],
    ["a code two steps old", -60, 0, null, { ok: false, reason: "wrong" }],
    ["a code two steps ahead", 60, 0, null, { ok: false, reason: "wrong" }],
    ["the same code again within its step", 0, 10, step0, { ok: false, reason: "reused" }],
    ["an older code after a newer one was used", -30, 0, step0, { ok: false, reason: "reused" }],
    ["the next step's code after this one was used", 30, 0, step0, { ok: true, step: step0 + 1 }],
  ] as const)("%s", (_name, codeAt, checkAt, lastUsed, expected) => {
    expect(checkTotp(SECRET, totpCode(SECRET, at(codeAt)), at(checkAt), lastUsed)).toEqual(expected);
  });

  it.each(["", "12345", "1234567", "abcdef", "12 34 5x"])("refuses %j as malformed", (input) => {
    expect(checkTotp(SECRET, input, t0, null)).toEqual({ ok: false, reason: "malformed" });
  });

  it("accepts spaces inside a code, refuses another secret's code", () => {
    const code = totpCode(SECRET, t0);
    expect(checkTotp(SECRET, `${code.slice(0, 3)} ${code.slice(3)}`, t0, null).ok).toBe(true);
    expect(checkTotp("KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU", code, t0, null).ok).toBe(false);
  });

  it("demo accounts (allowReuse) take the same code again", () => {
    expect(checkTotp(SECRET, totpCode(SECRET, t0), t0, step0, true)).toEqual({ ok: true, step: step0 });
  });
});

describe("second factor need", () => {
  it.each([
    ["agent", false, "none"],
    ["agent", true, "code"],
    ["supervisor", false, "enrol"],
    ["supervisor", true, "code"],
    ["admin", false, "enrol"],
    ["admin", true, "code"],
  ] as const)("%s enrolled=%s → %s", (role, enrolled, need) => {
    expect(secondFactorNeed(role, enrolled)).toBe(need);
  });
});

describe("recovery codes", () => {
  it("are 10 distinct XXXX-XXXX-XXXX-XXXX codes that normalise back", () => {
    const codes = newRecoveryCodes();
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) {
      expect(code).toMatch(/^[A-Z2-9]{4}(-[A-Z2-9]{4}){3}$/);
      expect(normaliseRecoveryCode(code.toLowerCase().replaceAll("-", " "))).toBe(code.replaceAll("-", ""));
    }
  });

  it.each([
    ["123456", { kind: "totp", code: "123456" }],
    ["123 456", { kind: "totp", code: "123456" }],
    ["abcd-efgh-jkmn-pqrs", { kind: "recovery", code: "ABCDEFGHJKMNPQRS" }],
    ["ABCD-EFGH-JKMN-PQR0", null],
    ["ABCD-EFGH-JKMN", null],
    ["", null],
  ] as const)("secondFactorInput(%j)", (input, expected) => {
    expect(secondFactorInput(input)).toEqual(expected);
  });
});

describe("sealed secret", () => {
  it("opens with the same AUTH_SECRET only, and never contains the secret in clear", () => {
    const sealed = sealTotpSecret(SECRET, "auth-secret-one-0123456789abcdef");
    expect(sealed).not.toContain(SECRET);
    expect(openTotpSecret(sealed, "auth-secret-one-0123456789abcdef")).toBe(SECRET);
    expect(openTotpSecret(sealed, "auth-secret-two-0123456789abcdef")).toBeNull();
    expect(openTotpSecret("v1.broken", "auth-secret-one-0123456789abcdef")).toBeNull();
  });
});
