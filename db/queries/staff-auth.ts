import "server-only";
import { and, eq, isNull } from "drizzle-orm";
import { verifyAgainstDummy, verifyPassword } from "@/lib/auth/password";
import { normaliseEmail, type StaffRole } from "@/lib/auth/roles";
import { afterFailedLogin, afterSuccessfulLogin, isLocked } from "@/lib/auth/throttle";
import { db } from "../client";
import { staff } from "../schema";
import { recordAudit } from "./audit";

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

export type SignInResult = { ok: true; staffId: number; sessionVersion: number } | { ok: false };

/**
 * Email + password. Unknown email, wrong password, disabled or locked account
 * all give the same answer after the same amount of work. Failures are counted
 * on the row (locked for a while after too many), under a row lock so
 * concurrent attempts on several instances count once each.
 */
export async function verifyStaffPassword(emailInput: string, password: string, now = new Date()): Promise<SignInResult> {
  const email = normaliseEmail(emailInput);
  return db().transaction(async (tx) => {
    const [row] = await tx
      .select({ id: staff.id, passwordHash: staff.passwordHash, disabledAt: staff.disabledAt, sessionVersion: staff.sessionVersion, failedLogins: staff.failedLogins, lockedUntil: staff.lockedUntil })
      .from(staff)
      .where(eq(staff.email, email))
      .for("update")
      .limit(1);

    if (!row || row.disabledAt !== null || row.passwordHash === null) {
      await verifyAgainstDummy(password);
      if (row) await recordAudit(tx, { actor: "anonymous", action: "staff.sign_in", objectType: "staff", objectId: row.id, outcome: "refused", detail: { reason: row.disabledAt ? "disabled" : "no_password" } });
      return { ok: false };
    }
    if (isLocked(row, now)) {
      await verifyAgainstDummy(password);
      await recordAudit(tx, { actor: "anonymous", action: "staff.sign_in", objectType: "staff", objectId: row.id, outcome: "refused", detail: { reason: "locked" } });
      return { ok: false };
    }
    if (!(await verifyPassword(row.passwordHash, password))) {
      const next = afterFailedLogin(row, now);
      await tx.update(staff).set({ failedLogins: next.failedLogins, lockedUntil: next.lockedUntil }).where(eq(staff.id, row.id));
      await recordAudit(tx, {
        actor: "anonymous",
        action: "staff.sign_in",
        objectType: "staff",
        objectId: row.id,
        outcome: "refused",
        detail: { reason: "wrong_password", failedLogins: next.failedLogins, locked: next.lockedUntil !== null },
      });
      return { ok: false };
    }
    await tx.update(staff).set(afterSuccessfulLogin()).where(eq(staff.id, row.id));
    await recordAudit(tx, { actor: `staff:${row.id}`, action: "staff.sign_in", objectType: "staff", objectId: row.id, outcome: "ok", detail: { method: "password" } });
    return { ok: true, staffId: row.id, sessionVersion: row.sessionVersion };
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
export async function staffForSession(staffId: number, sessionVersion: number, tx = db()): Promise<StaffPrincipal | null> {
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
