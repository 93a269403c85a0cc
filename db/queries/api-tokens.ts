import "server-only";
import { createHash, randomBytes } from "node:crypto";
import { and, eq, isNull } from "drizzle-orm";
import { normaliseEmail } from "@/lib/auth/roles";
import { AppError } from "@/lib/errors";
import { db } from "../client";
import { apiTokens, staff } from "../schema";
import { recordAudit } from "./audit";
import { principalColumns, type StaffPrincipal } from "./staff-auth";

/**
 * API bearer tokens: 32 random bytes shown once; only their SHA-256 is kept
 * (a high-entropy secret needs no slow hash). A token acts with the scope of
 * its staff member and stops working when that member is disabled.
 */

const TOKEN_PREFIX = "pst_";
export const hashApiToken = (token: string) => createHash("sha256").update(token, "utf8").digest("hex");

/** Issues a token for the staff member with this email; returns the token (the only time it exists in clear). */
export async function issueApiToken(emailInput: string, actor = "cli"): Promise<{ token: string; tokenId: number }> {
  const email = normaliseEmail(emailInput);
  const token = TOKEN_PREFIX + randomBytes(32).toString("base64url");
  return db().transaction(async (tx) => {
    const [member] = await tx.select({ id: staff.id, disabledAt: staff.disabledAt }).from(staff).where(eq(staff.email, email)).limit(1);
    if (!member) throw new AppError("not_found");
    if (member.disabledAt) throw new AppError("refused", "staff_disabled");
    const [row] = await tx.insert(apiTokens).values({ staffId: member.id, tokenHash: hashApiToken(token) }).returning({ id: apiTokens.id });
    await recordAudit(tx, { actor, action: "api_token.issue", objectType: "api_token", objectId: row!.id, outcome: "ok", detail: { staffId: member.id } });
    return { token, tokenId: row!.id };
  });
}

/** The staff member behind `Authorization: Bearer …`, or null (missing, malformed, unknown, revoked, disabled). */
export async function staffForApiToken(authorization: string | null, now = new Date()): Promise<(StaffPrincipal & { tokenId: number }) | null> {
  const match = /^Bearer ([A-Za-z0-9_-]{16,200})$/.exec(authorization?.trim() ?? "");
  if (!match) return null;
  const [row] = await db()
    .select({ ...principalColumns, tokenId: apiTokens.id, disabledAt: staff.disabledAt })
    .from(apiTokens)
    .innerJoin(staff, eq(staff.id, apiTokens.staffId))
    .where(and(eq(apiTokens.tokenHash, hashApiToken(match[1]!)), isNull(apiTokens.revokedAt)))
    .limit(1);
  if (!row || row.disabledAt !== null) return null;
  await db().update(apiTokens).set({ lastUsedAt: now }).where(eq(apiTokens.id, row.tokenId));
  return { id: row.id, email: row.email, name: row.name, role: row.role, queues: row.queues, isDemo: row.isDemo, sessionVersion: row.sessionVersion, tokenId: row.tokenId };
}
