import "server-only";
import { asc, eq, sql } from "drizzle-orm";
import { hashPassword } from "@/lib/auth/password";
import { AppError } from "@/lib/errors";
import { normaliseEmail, type StaffRole } from "@/lib/auth/roles";
import { db, type Executor } from "../client";
import { staff } from "../schema";
import { recordAudit, staffActor } from "./audit";
import { revokeAllStaffSessions } from "./staff-sessions";
import type { StaffPrincipal } from "./staff-auth";

/**
 * Staff account administration. Every function takes the acting staff member
 * (or "cli" for the operator's shell) and checks the role here, in the data
 * layer, whatever the page or action already checked. Each change bumps the
 * target's session_version (its open sessions end) and is audited in the same
 * transaction.
 */

export type Actor = StaffPrincipal | "cli";
const actorName = (actor: Actor) => (actor === "cli" ? "cli" : staffActor(actor.id));

function requireAdmin(actor: Actor): void {
  if (actor !== "cli" && actor.role !== "admin") throw new AppError("forbidden");
}

export type StaffListRow = {
  id: number;
  email: string;
  name: string;
  role: StaffRole;
  queues: string[];
  disabled: boolean;
  locked: boolean;
  isDemo: boolean;
  /** A TOTP second factor in force (db/queries/staff-totp.ts). */
  twoFactor: boolean;
};

export async function listStaff(actor: Actor, now = new Date(), tx: Executor = db()): Promise<StaffListRow[]> {
  requireAdmin(actor);
  const rows = await tx
    .select({
      id: staff.id,
      email: staff.email,
      name: staff.name,
      role: staff.role,
      queues: staff.queues,
      disabledAt: staff.disabledAt,
      lockedUntil: staff.lockedUntil,
      isDemo: staff.isDemo,
      totpEnabledAt: staff.totpEnabledAt,
    })
    .from(staff)
    .orderBy(asc(staff.email));
  return rows.map((r) => ({
    id: r.id,
    email: r.email,
    name: r.name,
    role: r.role,
    queues: r.queues,
    disabled: r.disabledAt !== null,
    locked: r.lockedUntil !== null && r.lockedUntil > now,
    isDemo: r.isDemo,
    twoFactor: r.totpEnabledAt !== null,
  }));
}

export type NewStaff = { email: string; role: StaffRole; queues: string[]; password: string | null; name?: string; isDemo?: boolean };

export async function createStaff(actor: Actor, input: NewStaff): Promise<{ id: number }> {
  requireAdmin(actor);
  const email = normaliseEmail(input.email);
  const passwordHash = input.password === null ? null : await hashPassword(input.password);
  return db().transaction(async (tx) => {
    const [taken] = await tx.select({ id: staff.id }).from(staff).where(eq(staff.email, email)).limit(1);
    if (taken) throw new AppError("conflict", "email_taken");
    const [row] = await tx
      .insert(staff)
      .values({ email, name: input.name ?? "", role: input.role, queues: input.queues, passwordHash, isDemo: input.isDemo ?? false })
      .returning({ id: staff.id });
    await recordAudit(tx, { actor: actorName(actor), action: "staff.create", objectType: "staff", objectId: row!.id, outcome: "ok", detail: { role: input.role, queues: input.queues.join(",") } });
    return { id: row!.id };
  });
}

async function changeStaff(actor: Actor, targetId: number, action: string, change: Partial<typeof staff.$inferInsert>, detail: Record<string, string | boolean>) {
  requireAdmin(actor);
  // An admin cannot lock themselves out or demote themselves by accident.
  if (actor !== "cli" && actor.id === targetId) throw new AppError("self_change");
  await db().transaction(async (tx) => {
    const updated = await tx
      .update(staff)
      .set({ ...change, sessionVersion: sql`${staff.sessionVersion} + 1`, updatedAt: new Date() })
      .where(eq(staff.id, targetId))
      .returning({ id: staff.id });
    if (updated.length === 0) throw new AppError("not_found");
    await recordAudit(tx, { actor: actorName(actor), action, objectType: "staff", objectId: targetId, outcome: "ok", detail });
  });
}

/** Disabling ends the account's sessions at their next request. */
export function setStaffDisabled(actor: Actor, targetId: number, disabled: boolean, now = new Date()): Promise<void> {
  return changeStaff(actor, targetId, disabled ? "staff.disable" : "staff.enable", { disabledAt: disabled ? now : null, failedLogins: 0, lockedUntil: null }, { disabled });
}

export function changeStaffRole(actor: Actor, targetId: number, role: StaffRole): Promise<void> {
  return changeStaff(actor, targetId, "staff.change_role", { role }, { role });
}

/** "Sign out everywhere": every session of this staff member, on every device, ends. */
export async function endAllSessions(actor: StaffPrincipal): Promise<void> {
  await db().transaction(async (tx) => {
    await tx.update(staff).set({ sessionVersion: sql`${staff.sessionVersion} + 1`, updatedAt: new Date() }).where(eq(staff.id, actor.id));
    await revokeAllStaffSessions(actor.id, new Date(), tx);
    await recordAudit(tx, { actor: staffActor(actor.id), action: "staff.sign_out_everywhere", objectType: "staff", objectId: actor.id, outcome: "ok" });
  });
}
