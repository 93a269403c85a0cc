import "server-only";
import { randomBytes } from "node:crypto";
import { and, eq, isNull } from "drizzle-orm";
import { needsTouch, sessionState, type SessionState } from "@/lib/auth/session";
import { db, type Db, type Tx } from "../client";
import { staffSessions } from "../schema";

/** Server-side staff sessions (lib/auth/session.ts has the rules). Only ids and times are stored. */

export async function createStaffSession(staffId: number, now = new Date(), tx: Db | Tx = db()): Promise<string> {
  const id = randomBytes(24).toString("base64url");
  await tx.insert(staffSessions).values({ id, staffId, createdAt: now, lastSeenAt: now });
  return id;
}

/** Whether the session is active for this staff member now; an active one is marked as seen (at most once a minute). */
export async function touchStaffSession(id: unknown, staffId: number, now = new Date(), tx: Db | Tx = db()): Promise<SessionState | "unknown"> {
  if (typeof id !== "string" || id.length > 64 || !Number.isSafeInteger(staffId)) return "unknown";
  const [row] = await tx.select().from(staffSessions).where(eq(staffSessions.id, id)).limit(1);
  if (!row || row.staffId !== staffId) return "unknown";
  const state = sessionState(row, now);
  if (state === "active" && needsTouch(row, now)) await tx.update(staffSessions).set({ lastSeenAt: now }).where(eq(staffSessions.id, id));
  return state;
}

/** Sign-out: this session ends on every instance, whoever holds a copy of its cookie. */
export async function revokeStaffSession(id: unknown, now = new Date(), tx: Db | Tx = db()): Promise<void> {
  if (typeof id !== "string" || id.length > 64) return;
  await tx.update(staffSessions).set({ revokedAt: now }).where(and(eq(staffSessions.id, id), isNull(staffSessions.revokedAt)));
}

/** Every session of one account (sign out everywhere, password change, disable). */
export async function revokeAllStaffSessions(staffId: number, now = new Date(), tx: Db | Tx = db()): Promise<void> {
  await tx.update(staffSessions).set({ revokedAt: now }).where(and(eq(staffSessions.staffId, staffId), isNull(staffSessions.revokedAt)));
}
