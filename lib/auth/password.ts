import { hash, verify } from "@node-rs/argon2";
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from "./roles";

/**
 * argon2id with the library defaults (m=19 MiB, t=2, p=1: OWASP's baseline).
 * CPU only, no I/O. Verification never throws: a malformed hash is a mismatch.
 */
export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

let dummyHash: Promise<string> | undefined;

/** Spends the same time as a real verification, for unknown or disabled accounts (no timing oracle). */
export async function verifyAgainstDummy(password: string): Promise<false> {
  dummyHash ??= hash("paystatus-dummy-password-for-timing");
  await verifyPassword(await dummyHash, password);
  return false;
}

export type PasswordProblem = "too_short" | "too_long";

export function passwordProblem(password: string): PasswordProblem | null {
  if (password.length < PASSWORD_MIN_LENGTH) return "too_short";
  if (password.length > PASSWORD_MAX_LENGTH) return "too_long";
  return null;
}
