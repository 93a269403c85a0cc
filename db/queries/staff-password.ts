import "server-only";
import { eq, sql } from "drizzle-orm";
import { hashPassword } from "@/lib/auth/password";
import { normaliseEmail } from "@/lib/auth/roles";
import { db } from "../client";
import { staff } from "../schema";
import { recordAudit } from "./audit";
import { revokeAllStaffSessions } from "./staff-sessions";

/**
 * A new password (`npm run staff -- password EMAIL`): every open session of the account ends (its
 * session_version moves on and its session rows are revoked) in the same transaction, audited.
 * Returns false when there is no such account.
 */
export async function setStaffPassword(actor: string, emailInput: string, password: string, now = new Date()): Promise<boolean> {
  const passwordHash = await hashPassword(password);
  return db().transaction(async (tx) => {
    const [row] = await tx
      .update(staff)
      .set({ passwordHash, sessionVersion: sql`${staff.sessionVersion} + 1`, failedLogins: 0, lockedUntil: null, updatedAt: now })
      .where(eq(staff.email, normaliseEmail(emailInput)))
      .returning({ id: staff.id });
    if (!row) return false;
    await revokeAllStaffSessions(row.id, now, tx);
    await recordAudit(tx, { actor, action: "staff.set_password", objectType: "staff", objectId: row.id, outcome: "ok" });
    return true;
  });
}
