import "server-only";
import { createHash, randomBytes } from "node:crypto";
import { and, eq, gt, isNotNull, isNull, lt, or, sql } from "drizzle-orm";
import type { StaffRole } from "@/lib/auth/roles";
import {
  checkTotp,
  newRecoveryCodes,
  newTotpSecret,
  openTotpSecret,
  recoveryCodeHash,
  sealTotpSecret,
  secondFactorInput,
  secondFactorNeed,
  totpUri,
  type SecondFactorNeed,
} from "@/lib/auth/totp";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { db, type Executor } from "../client";
import { staff, staffRecoveryCodes, staffSignInChallenges } from "../schema";
import { recordAudit } from "./audit";
import { clearSignInFailures, recordSignInFailure, signInWait } from "./sign-in-throttle";
import { revokeAllStaffSessions } from "./staff-sessions";

/**
 * The staff second factor (rules in lib/auth/totp.ts). A right password does
 * not start a session for an account that owes a second factor: it opens a
 * sign-in challenge (a random token in an httpOnly cookie, its hash here, 10
 * minutes), and only a right code against that challenge — or a confirmed
 * enrolment — lets Auth.js's authorize() create the session, once. Code
 * failures count in the same per-account-and-client throttle as passwords.
 */

export const CHALLENGE_MINUTES = 10;
export type { SecondFactorNeed };
export type FactorResult = { ok: true; staffId: number; sessionVersion: number } | { ok: false; retryAfterSeconds?: number; reason?: "expired" };

const tokenHash = (token: string) => createHash("sha256").update(`challenge:${token}`).digest("hex");
const isToken = (token: unknown): token is string => typeof token === "string" && /^[A-Za-z0-9_-]{32,64}$/.test(token);
const fresh = (now: Date) => gt(staffSignInChallenges.createdAt, new Date(now.getTime() - CHALLENGE_MINUTES * 60_000));

export function needFor(row: { role: StaffRole; totpEnabledAt: Date | null }): SecondFactorNeed {
  return secondFactorNeed(row.role, row.totpEnabledAt !== null);
}

/** After a right password: the token of a new challenge saying what is still owed. */
export async function openSignInChallenge(tx: Executor, staffId: number, sessionVersion: number, need: SecondFactorNeed, now = new Date()): Promise<string> {
  const token = randomBytes(32).toString("base64url");
  await tx.insert(staffSignInChallenges).values({ tokenHash: tokenHash(token), staffId, sessionVersion, need, createdAt: now, satisfiedAt: need === "none" ? now : null });
  return token;
}

async function liveChallenge(token: unknown, now: Date, tx: Executor) {
  if (!isToken(token)) return null;
  const [row] = await tx
    .select()
    .from(staffSignInChallenges)
    .where(and(eq(staffSignInChallenges.tokenHash, tokenHash(token)), isNull(staffSignInChallenges.usedAt), fresh(now)))
    .for("update")
    .limit(1);
  return row ?? null;
}

/** What a live challenge still needs, or null (unknown, spent or expired). */
export async function challengeNeed(token: unknown, now = new Date(), tx: Executor = db()): Promise<{ need: SecondFactorNeed; staffId: number; satisfied: boolean } | null> {
  if (!isToken(token)) return null;
  const [row] = await tx
    .select({ need: staffSignInChallenges.need, staffId: staffSignInChallenges.staffId, satisfiedAt: staffSignInChallenges.satisfiedAt })
    .from(staffSignInChallenges)
    .where(and(eq(staffSignInChallenges.tokenHash, tokenHash(token)), isNull(staffSignInChallenges.usedAt), fresh(now)))
    .limit(1);
  return row ? { need: row.need as SecondFactorNeed, staffId: row.staffId, satisfied: row.satisfiedAt !== null } : null;
}

const staffFactorColumns = {
  id: staff.id,
  email: staff.email,
  role: staff.role,
  isDemo: staff.isDemo,
  disabledAt: staff.disabledAt,
  sessionVersion: staff.sessionVersion,
  totpSecret: staff.totpSecret,
  totpEnabledAt: staff.totpEnabledAt,
  totpLastStep: staff.totpLastStep,
};

async function lockStaff(tx: Executor, staffId: number) {
  const [row] = await tx.select(staffFactorColumns).from(staff).where(eq(staff.id, staffId)).for("update").limit(1);
  return row ?? null;
}

/**
 * The second step: a 6-digit code or a recovery code against the challenge. Wrong codes count in the
 * sign-in throttle of (account, client); a right one spends the challenge and gives the session's subject.
 */
export async function verifySecondFactor(token: unknown, input: string, client: string, now = new Date()): Promise<FactorResult> {
  return db().transaction(async (tx) => {
    const challenge = await liveChallenge(token, now, tx);
    if (!challenge || challenge.need !== "code") return { ok: false, reason: "expired" };
    const row = await lockStaff(tx, challenge.staffId);
    if (!row || row.disabledAt !== null || row.sessionVersion !== challenge.sessionVersion || !row.totpEnabledAt || !row.totpSecret) {
      return { ok: false, reason: "expired" };
    }
    const wait = await signInWait(row.email, client, now, tx);
    if (wait > 0) return { ok: false, retryAfterSeconds: wait };

    const audit = (outcome: "ok" | "refused", detail: Record<string, string | number>) =>
      recordAudit(tx, { actor: outcome === "ok" ? `staff:${row.id}` : "anonymous", action: "staff.sign_in", objectType: "staff", objectId: row.id, outcome, detail });
    const given = secondFactorInput(input);
    let method: "totp" | "recovery_code" | null = null;
    let refusal = "wrong_code";
    if (given?.kind === "totp") {
      const secret = openTotpSecret(row.totpSecret, env().AUTH_SECRET);
      const check = secret ? checkTotp(secret, given.code, now, row.totpLastStep, row.isDemo) : null;
      if (check?.ok) {
        method = "totp";
        await tx.update(staff).set({ totpLastStep: check.step }).where(eq(staff.id, row.id));
      } else if (check?.reason === "reused") refusal = "reused_code";
    } else if (given?.kind === "recovery") {
      const [spent] = await tx
        .update(staffRecoveryCodes)
        .set({ usedAt: now })
        .where(and(eq(staffRecoveryCodes.staffId, row.id), eq(staffRecoveryCodes.codeHash, recoveryCodeHash(given.code)), isNull(staffRecoveryCodes.usedAt)))
        .returning({ id: staffRecoveryCodes.id });
      if (spent) {
        method = "recovery_code";
        const [left] = await tx
          .select({ n: sql<number>`count(*)::int` })
          .from(staffRecoveryCodes)
          .where(and(eq(staffRecoveryCodes.staffId, row.id), isNull(staffRecoveryCodes.usedAt)));
        await recordAudit(tx, { actor: `staff:${row.id}`, action: "staff.recovery_code_used", objectType: "staff", objectId: row.id, outcome: "ok", detail: { remaining: left?.n ?? 0 } });
      }
    }
    if (!method) {
      const pairFailures = await recordSignInFailure(row.email, client, now, tx);
      await audit("refused", { reason: refusal, pairFailures });
      return { ok: false };
    }
    await clearSignInFailures(row.email, client, tx);
    await tx.update(staffSignInChallenges).set({ usedAt: now }).where(eq(staffSignInChallenges.tokenHash, challenge.tokenHash));
    await audit("ok", { method });
    return { ok: true, staffId: row.id, sessionVersion: row.sessionVersion };
  });
}

/** A challenge that owes nothing more (no second factor, or enrolment just confirmed): spent on the session it starts. */
export async function redeemSignInChallenge(token: unknown, now = new Date(), tx?: Executor): Promise<FactorResult> {
  const run = async (t: Executor): Promise<FactorResult> => {
    const challenge = await liveChallenge(token, now, t);
    if (!challenge || challenge.satisfiedAt === null) return { ok: false, reason: "expired" };
    const row = await lockStaff(t, challenge.staffId);
    if (!row || row.disabledAt !== null || row.sessionVersion !== challenge.sessionVersion) return { ok: false, reason: "expired" };
    await t.update(staffSignInChallenges).set({ usedAt: now }).where(eq(staffSignInChallenges.tokenHash, challenge.tokenHash));
    // A password-only sign-in was audited with its password; one that went through enrolment is audited here.
    if (challenge.need === "enrol") {
      await recordAudit(t, { actor: `staff:${row.id}`, action: "staff.sign_in", objectType: "staff", objectId: row.id, outcome: "ok", detail: { method: "totp_enrolment" } });
    }
    return { ok: true, staffId: row.id, sessionVersion: row.sessionVersion };
  };
  return tx ? run(tx) : db().transaction(run);
}

export type Enrolment = { state: "enrolled" } | { state: "pending"; secret: string; uri: string };

/** The secret being enrolled (made on first visit, kept across reloads until confirmed). Never for an enrolled account. */
export async function startTotpEnrolment(staffId: number): Promise<Enrolment | null> {
  return db().transaction(async (tx) => {
    const row = await lockStaff(tx, staffId);
    if (!row || row.disabledAt !== null) return null;
    if (row.totpEnabledAt) return { state: "enrolled" };
    let secret = row.totpSecret ? openTotpSecret(row.totpSecret, env().AUTH_SECRET) : null;
    if (!secret) {
      secret = newTotpSecret();
      await tx.update(staff).set({ totpSecret: sealTotpSecret(secret, env().AUTH_SECRET), totpLastStep: null }).where(eq(staff.id, row.id));
    }
    return { state: "pending", secret, uri: totpUri(row.email, secret) };
  });
}

export type ConfirmResult = { ok: true; recoveryCodes: string[] } | { ok: false; reason: "wrong_code" | "enrolled" | "gone"; retryAfterSeconds?: number };

/**
 * The first code confirms the enrolment: the second factor is then in force, 10 fresh recovery codes
 * replace any older ones (returned once, stored hashed), and an enrolment challenge is satisfied.
 */
export async function confirmTotpEnrolment(staffId: number, code: string, client: string, challengeToken?: string, now = new Date()): Promise<ConfirmResult> {
  return db().transaction(async (tx) => {
    const row = await lockStaff(tx, staffId);
    if (!row || row.disabledAt !== null) return { ok: false, reason: "gone" };
    if (row.totpEnabledAt) return { ok: false, reason: "enrolled" };
    const wait = await signInWait(row.email, client, now, tx);
    if (wait > 0) return { ok: false, reason: "wrong_code", retryAfterSeconds: wait };
    const secret = row.totpSecret ? openTotpSecret(row.totpSecret, env().AUTH_SECRET) : null;
    const check = secret ? checkTotp(secret, code, now, null) : null;
    if (!check?.ok) {
      await recordSignInFailure(row.email, client, now, tx);
      await recordAudit(tx, { actor: `staff:${row.id}`, action: "staff.totp_enrol", objectType: "staff", objectId: row.id, outcome: "refused", detail: { reason: "wrong_code" } });
      return { ok: false, reason: "wrong_code" };
    }
    const recoveryCodes = newRecoveryCodes();
    await tx.update(staff).set({ totpEnabledAt: now, totpLastStep: check.step, updatedAt: now }).where(eq(staff.id, row.id));
    await tx.delete(staffRecoveryCodes).where(eq(staffRecoveryCodes.staffId, row.id));
    await tx.insert(staffRecoveryCodes).values(recoveryCodes.map((c) => ({ staffId: row.id, codeHash: recoveryCodeHash(c.replaceAll("-", "")) })));
    if (challengeToken) {
      const challenge = await liveChallenge(challengeToken, now, tx);
      if (challenge && challenge.staffId === row.id && challenge.need === "enrol") {
        await tx.update(staffSignInChallenges).set({ satisfiedAt: now }).where(eq(staffSignInChallenges.tokenHash, challenge.tokenHash));
      }
    }
    await clearSignInFailures(row.email, client, tx);
    await recordAudit(tx, { actor: `staff:${row.id}`, action: "staff.totp_enrol", objectType: "staff", objectId: row.id, outcome: "ok", detail: { recoveryCodes: recoveryCodes.length } });
    return { ok: true, recoveryCodes };
  });
}

/**
 * Admin: forget a staff member's second factor (lost phone). Their sessions end; a supervisor or admin
 * must enrol again at the next sign-in. Audited.
 */
export async function resetStaffTotp(adminId: number, staffId: number, now = new Date()): Promise<boolean> {
  // Not one's own: an admin who lost their phone asks another admin (or uses a recovery code).
  if (adminId === staffId) throw new AppError("self_change");
  return db().transaction(async (tx) => {
    const row = await lockStaff(tx, staffId);
    if (!row) return false;
    await tx
      .update(staff)
      .set({ totpSecret: null, totpEnabledAt: null, totpLastStep: null, sessionVersion: sql`${staff.sessionVersion} + 1`, updatedAt: now })
      .where(eq(staff.id, row.id));
    await tx.delete(staffRecoveryCodes).where(eq(staffRecoveryCodes.staffId, row.id));
    await revokeAllStaffSessions(row.id, now, tx);
    await recordAudit(tx, { actor: `staff:${adminId}`, action: "staff.totp_reset", objectType: "staff", objectId: row.id, outcome: "ok", detail: { wasEnrolled: row.totpEnabledAt !== null } });
    return true;
  });
}

export type TotpStatus = { enrolled: boolean; recoveryCodesLeft: number };

/** Whether the account has a second factor in force, and how many recovery codes are unspent. */
export async function totpStatus(staffId: number, tx: Executor = db()): Promise<TotpStatus> {
  const [row] = await tx.select({ enabled: staff.totpEnabledAt }).from(staff).where(eq(staff.id, staffId)).limit(1);
  const [left] = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(staffRecoveryCodes)
    .where(and(eq(staffRecoveryCodes.staffId, staffId), isNull(staffRecoveryCodes.usedAt)));
  return { enrolled: Boolean(row?.enabled), recoveryCodesLeft: left?.n ?? 0 };
}

export type RegenerateResult = { ok: true; recoveryCodes: string[] } | { ok: false; reason: "wrong_code" | "not_enrolled"; retryAfterSeconds?: number };

/**
 * New recovery codes for an enrolled account, on a current code from the authenticator (a stolen
 * session alone cannot mint them): the 10 new ones replace every older one, spent or not. Wrong
 * codes count in the sign-in throttle. Audited.
 */
export async function regenerateRecoveryCodes(staffId: number, code: string, client: string, now = new Date()): Promise<RegenerateResult> {
  return db().transaction(async (tx) => {
    const row = await lockStaff(tx, staffId);
    if (!row || row.disabledAt !== null || !row.totpEnabledAt || !row.totpSecret) return { ok: false, reason: "not_enrolled" };
    const wait = await signInWait(row.email, client, now, tx);
    if (wait > 0) return { ok: false, reason: "wrong_code", retryAfterSeconds: wait };
    const secret = openTotpSecret(row.totpSecret, env().AUTH_SECRET);
    const check = secret ? checkTotp(secret, code, now, row.totpLastStep, row.isDemo) : null;
    if (!check?.ok) {
      await recordSignInFailure(row.email, client, now, tx);
      await recordAudit(tx, { actor: `staff:${row.id}`, action: "staff.recovery_codes_regenerate", objectType: "staff", objectId: row.id, outcome: "refused", detail: { reason: "wrong_code" } });
      return { ok: false, reason: "wrong_code" };
    }
    const recoveryCodes = newRecoveryCodes();
    await tx.update(staff).set({ totpLastStep: check.step }).where(eq(staff.id, row.id));
    await tx.delete(staffRecoveryCodes).where(eq(staffRecoveryCodes.staffId, row.id));
    await tx.insert(staffRecoveryCodes).values(recoveryCodes.map((c) => ({ staffId: row.id, codeHash: recoveryCodeHash(c.replaceAll("-", "")) })));
    await clearSignInFailures(row.email, client, tx);
    await recordAudit(tx, { actor: `staff:${row.id}`, action: "staff.recovery_codes_regenerate", objectType: "staff", objectId: row.id, outcome: "ok", detail: { recoveryCodes: recoveryCodes.length } });
    return { ok: true, recoveryCodes };
  });
}

/** Housekeeping (the worker): challenges spent or older than their 10 minutes are of no further use. */
export async function purgeSignInChallenges(now = new Date(), tx: Executor = db()): Promise<number> {
  const rows = await tx
    .delete(staffSignInChallenges)
    .where(or(isNotNull(staffSignInChallenges.usedAt), lt(staffSignInChallenges.createdAt, new Date(now.getTime() - CHALLENGE_MINUTES * 60_000))))
    .returning({ tokenHash: staffSignInChallenges.tokenHash });
  return rows.length;
}
