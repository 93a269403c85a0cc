import "server-only";
import { and, eq, isNull } from "drizzle-orm";
import { verifyAgainstDummy, verifyPassword } from "@/lib/auth/password";
import { secondFactorNeed, type SecondFactorNeed } from "@/lib/auth/totp";
import { normaliseEmail, type StaffRole } from "@/lib/auth/roles";
import { db, type Executor } from "../client";
import { staff } from "../schema";
import { recordAudit } from "./audit";
import { clearSignInFailures, recordSignInFailure, signInWait } from "./sign-in-throttle";

/**
 * Who a staff session or sign-in refers to. Everything here is read from the
 * database on every call: a session only carries the staff id and the
 * session_version it was issued with.
 */
export type StaffPrincipal = {
  id: number;
  email: string;
  name: string;
  role: StaffRole;
  queues: string[];
  isDemo: boolean;
  sessionVersion: number;
};

const principalColumns = {
  id: staff.id,
  email: staff.email,
  name: staff.name,
  role: staff.role,
  queues: staff.queues,
  isDemo: staff.isDemo,
  sessionVersion: staff.sessionVersion,
};

export type SignInResult = { ok: true; staffId: number; sessionVersion: number; need: SecondFactorNeed } | { ok: false; retryAfterSeconds?: number };

/**
 * Email + password, for one client (the keyed hash of its address). Unknown
 * email, wrong password and disabled account all give the same answer after
 * the same amount of work. There is no account lock (lib/auth/throttle.ts):
 * a pair of account and client that keeps failing waits longer and longer
 * before its next try — told as `retryAfterSeconds`, without hashing the
 * password — while any other client, the owner's, is not slowed.
 */
export async function verifyStaffPassword(emailInput: string, password: string, client = "unknown", now = new Date()): Promise<SignInResult> {
  const email = normaliseEmail(emailInput);
  return db().transaction(async (tx) => {
    const [row] = await tx
      .select({
        id: staff.id,
        role: staff.role,
        passwordHash: staff.passwordHash,
        disabledAt: staff.disabledAt,
        sessionVersion: staff.sessionVersion,
        failedLogins: staff.failedLogins,
        totpEnabledAt: staff.totpEnabledAt,
      })
      .from(staff)
      .where(eq(staff.email, email))
      .for("update")
      .limit(1);

    const wait = await signInWait(email, client, now, tx);
    if (wait > 0) {
      if (row) await recordAudit(tx, { actor: "anonymous", action: "staff.sign_in", objectType: "staff", objectId: row.id, outcome: "refused", detail: { reason: "throttled" } });
      return { ok: false, retryAfterSeconds: wait };
    }

    if (!row || row.disabledAt !== null || row.passwordHash === null) {
      await verifyAgainstDummy(password);
      await recordSignInFailure(email, client, now, tx);
      if (row) await recordAudit(tx, { actor: "anonymous", action: "staff.sign_in", objectType: "staff", objectId: row.id, outcome: "refused", detail: { reason: row.disabledAt ? "disabled" : "no_password" } });
      return { ok: false };
    }
    if (!(await verifyPassword(row.passwordHash, password))) {
      const pairFailures = await recordSignInFailure(email, client, now, tx);
      // failed_logins: consecutive failures from any client, shown to admins; it locks nothing.
      await tx.update(staff).set({ failedLogins: row.failedLogins + 1 }).where(eq(staff.id, row.id));
      await recordAudit(tx, {
        actor: "anonymous",
        action: "staff.sign_in",
        objectType: "staff",
        objectId: row.id,
        outcome: "refused",
        detail: { reason: "wrong_password", failedLogins: row.failedLogins + 1, pairFailures },
      });
      return { ok: false };
    }
    await clearSignInFailures(email, client, tx);
    await tx.update(staff).set({ failedLogins: 0, lockedUntil: null }).where(eq(staff.id, row.id));
    // A second factor still owed: the password step is audited as such, the sign-in itself when the code is shown.
    const need = secondFactorNeed(row.role, row.totpEnabledAt !== null);
    if (need === "none") await recordAudit(tx, { actor: `staff:${row.id}`, action: "staff.sign_in", objectType: "staff", objectId: row.id, outcome: "ok", detail: { method: "password" } });
    else await recordAudit(tx, { actor: `staff:${row.id}`, action: "staff.sign_in_password", objectType: "staff", objectId: row.id, outcome: "ok", detail: { next: need } });
    return { ok: true, staffId: row.id, sessionVersion: row.sessionVersion, need };
  });
}

/** OIDC sign-in: only an existing, enabled account with that email (never creates one). */
export async function staffForOidcEmail(emailInput: string): Promise<{ staffId: number; sessionVersion: number } | null> {
  const email = normaliseEmail(emailInput);
  return db().transaction(async (tx) => {
    const [row] = await tx
      .select({ id: staff.id, sessionVersion: staff.sessionVersion })
      .from(staff)
      .where(and(eq(staff.email, email), isNull(staff.disabledAt)))
      .limit(1);
    if (!row) return null;
    await recordAudit(tx, { actor: `staff:${row.id}`, action: "staff.sign_in", objectType: "staff", objectId: row.id, outcome: "ok", detail: { method: "oidc" } });
    return { staffId: row.id, sessionVersion: row.sessionVersion };
  });
}

/**
 * The staff member behind a session, or null when the account is gone,
 * disabled, or the session predates a role change, a disable or a
 * "sign out everywhere" (session_version moved on).
 */
export async function staffForSession(staffId: number, sessionVersion: number, tx: Executor = db()): Promise<StaffPrincipal | null> {
  if (!Number.isSafeInteger(staffId) || !Number.isSafeInteger(sessionVersion)) return null;
  const [row] = await tx
    .select({ ...principalColumns, disabledAt: staff.disabledAt })
    .from(staff)
    .where(eq(staff.id, staffId))
    .limit(1);
  if (!row || row.disabledAt !== null || row.sessionVersion !== sessionVersion) return null;
  return { id: row.id, email: row.email, name: row.name, role: row.role, queues: row.queues, isDemo: row.isDemo, sessionVersion: row.sessionVersion };
}

export { principalColumns };
