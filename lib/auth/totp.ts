import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from "node:crypto";
import { authenticator } from "otplib";
import type { StaffRole } from "./roles";

/**
 * The staff second factor (RFC 6238 TOTP through otplib): 6 digits, 30-second
 * steps, one step of clock drift either way. A code is accepted at most once:
 * the step it matched is stored and a code from that step or an earlier one
 * is refused, so a code read over a shoulder or phished is dead once used.
 * Demo accounts share one published secret between everyone trying the demo,
 * so for them (and only them) the reuse rule is off — see `checkTotp`.
 *
 * Recovery codes: 10 per enrolment, 16 characters of base32 (80 bits), shown
 * once. They are high-entropy random strings, not passwords, so a slow hash
 * would add nothing: SHA-256 of the normalised code is stored, each row is
 * spent on use.
 *
 * The TOTP secret is stored sealed (AES-256-GCM) under a key derived from
 * AUTH_SECRET; it is never logged or sent back after enrolment.
 */

export const TOTP_STEP_SECONDS = 30;
export const TOTP_WINDOW = 1;
export const TOTP_ISSUER = "paystatus";
export const RECOVERY_CODE_COUNT = 10;

/** Supervisors and admins must use a second factor; agents may. */
export function secondFactorRequired(role: StaffRole): boolean {
  return role === "supervisor" || role === "admin";
}

export type SecondFactorNeed = "none" | "code" | "enrol";

/** After a right password: nothing more, a code, or enrolment first. */
export function secondFactorNeed(role: StaffRole, enrolled: boolean): SecondFactorNeed {
  if (enrolled) return "code";
  return secondFactorRequired(role) ? "enrol" : "none";
}

export const totpStep = (now: Date) => Math.floor(now.getTime() / 1000 / TOTP_STEP_SECONDS);

export const newTotpSecret = () => authenticator.generateSecret(20);

export const totpUri = (email: string, secret: string) => authenticator.keyuri(email, TOTP_ISSUER, secret);

/** The code for `now` (demo output and tests). */
export const totpCode = (secret: string, now = new Date()) => authenticator.clone({ epoch: now.getTime() }).generate(secret);

export type TotpCheck = { ok: true; step: number } | { ok: false; reason: "malformed" | "wrong" | "reused" };

/**
 * A 6-digit code against the secret at `now`, refusing a step at or before
 * `lastUsedStep` (the last code accepted for this account) unless `allowReuse`.
 */
export function checkTotp(secret: string, input: string, now: Date, lastUsedStep: number | null, allowReuse = false): TotpCheck {
  const code = input.replace(/\s+/g, "");
  if (!/^\d{6}$/.test(code)) return { ok: false, reason: "malformed" };
  const delta = authenticator.clone({ epoch: now.getTime(), window: TOTP_WINDOW, step: TOTP_STEP_SECONDS }).checkDelta(code, secret);
  if (delta === null) return { ok: false, reason: "wrong" };
  const step = totpStep(now) + delta;
  if (!allowReuse && lastUsedStep !== null && step <= lastUsedStep) return { ok: false, reason: "reused" };
  return { ok: true, step };
}

const BASE32 = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

/** XXXX-XXXX-XXXX-XXXX from an alphabet without 0/O and 1/I. */
export function newRecoveryCodes(count = RECOVERY_CODE_COUNT): string[] {
  return Array.from({ length: count }, () => {
    const bytes = randomBytes(16);
    const chars = Array.from(bytes, (b) => BASE32[b % 32]).join("");
    return chars.match(/.{4}/g)!.join("-");
  });
}

/** Upper-case, without spaces or dashes; null when it cannot be a recovery code. */
export function normaliseRecoveryCode(input: string): string | null {
  const code = input.replace(/[\s-]+/g, "").toUpperCase();
  return code.length === 16 && [...code].every((c) => BASE32.includes(c)) ? code : null;
}

export const recoveryCodeHash = (normalised: string) => createHash("sha256").update(`recovery:${normalised}`).digest("hex");

/** What the second step was given: a TOTP code, a recovery code, or neither. */
export function secondFactorInput(input: string): { kind: "totp"; code: string } | { kind: "recovery"; code: string } | null {
  const digits = input.replace(/\s+/g, "");
  if (/^\d{6}$/.test(digits)) return { kind: "totp", code: digits };
  const recovery = normaliseRecoveryCode(input);
  return recovery ? { kind: "recovery", code: recovery } : null;
}

const sealKey = (authSecret: string) => Buffer.from(hkdfSync("sha256", authSecret, "paystatus", "totp-secret-v1", 32));

/** `v1.<iv>.<tag>.<ciphertext>` (base64url). */
export function sealTotpSecret(secret: string, authSecret: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", sealKey(authSecret), iv);
  const body = Buffer.concat([cipher.update(secret, "utf8"), cipher.final()]);
  return ["v1", iv, cipher.getAuthTag(), body].map((p) => (typeof p === "string" ? p : p.toString("base64url"))).join(".");
}

export function openTotpSecret(sealed: string, authSecret: string): string | null {
  const [version, iv, tag, body] = sealed.split(".");
  if (version !== "v1" || !iv || !tag || !body) return null;
  try {
    const decipher = createDecipheriv("aes-256-gcm", sealKey(authSecret), Buffer.from(iv, "base64url"));
    decipher.setAuthTag(Buffer.from(tag, "base64url"));
    return Buffer.concat([decipher.update(Buffer.from(body, "base64url")), decipher.final()]).toString("utf8");
  } catch {
    return null;
  }
}
