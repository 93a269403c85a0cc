import "server-only";
import { and, desc, eq, gte, like, lt, sql, type SQL } from "drizzle-orm";
import { addDays, type IsoDate, zonedInstant } from "@/lib/dates";
import { normaliseEmail } from "@/lib/auth/roles";
import { AppError } from "@/lib/errors";
import { db, type Db, type Tx } from "../client";
import { auditEvents, staff } from "../schema";
import type { StaffPrincipal } from "./staff-auth";

/**
 * The audit log for admins and (read-only) supervisors: newest first, keyset
 * paginated on the id (never OFFSET), filtered by actor, action, object and a
 * service-zone date range.
 */

export type AuditFilters = {
  /** A staff email, or an actor as stored (`staff:12`, `cli`, `api:3`, `anonymous`). */
  actor?: string;
  /** An action or its prefix (`calendar.` finds every calendar change). */
  action?: string;
  objectType?: string;
  objectId?: string;
  from?: IsoDate;
  to?: IsoDate;
};

export type AuditRow = {
  id: number;
  at: Date;
  actor: string;
  actorEmail: string | null;
  action: string;
  objectType: string;
  objectId: string | null;
  outcome: string;
  detail: Record<string, unknown>;
};

const READERS = new Set(["supervisor", "admin"]);
const AUDIT_PAGE_SIZE = 50;

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

export async function listAuditEvents(
  reader: StaffPrincipal,
  filters: AuditFilters,
  options: { timeZone: string; before?: number; limit?: number },
  tx: Db | Tx = db(),
): Promise<{ rows: AuditRow[]; nextBefore: number | null }> {
  if (!READERS.has(reader.role)) throw new AppError("forbidden");
  const limit = options.limit ?? AUDIT_PAGE_SIZE;
  const where: SQL[] = [];
  if (filters.actor) {
    if (filters.actor.includes("@")) {
      const [member] = await tx.select({ id: staff.id }).from(staff).where(eq(staff.email, normaliseEmail(filters.actor))).limit(1);
      if (!member) return { rows: [], nextBefore: null };
      where.push(eq(auditEvents.actor, `staff:${member.id}`));
    } else {
      where.push(eq(auditEvents.actor, filters.actor));
    }
  }
  if (filters.action) where.push(like(auditEvents.action, `${escapeLike(filters.action)}%`));
  if (filters.objectType) where.push(eq(auditEvents.objectType, filters.objectType));
  if (filters.objectId) where.push(eq(auditEvents.objectId, filters.objectId));
  if (filters.from) where.push(gte(auditEvents.at, zonedInstant(filters.from, "00:00", options.timeZone)));
  if (filters.to) where.push(lt(auditEvents.at, zonedInstant(addDays(filters.to, 1), "00:00", options.timeZone)));
  if (options.before !== undefined) where.push(lt(auditEvents.id, options.before));

  const rows = await tx
    .select({
      id: auditEvents.id,
      at: auditEvents.at,
      actor: auditEvents.actor,
      actorEmail: staff.email,
      action: auditEvents.action,
      objectType: auditEvents.objectType,
      objectId: auditEvents.objectId,
      outcome: auditEvents.outcome,
      detail: auditEvents.detail,
    })
    .from(auditEvents)
    .leftJoin(staff, sql`${auditEvents.actor} = 'staff:' || ${staff.id}`)
    .where(and(...where))
    .orderBy(desc(auditEvents.id))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  return { rows: page, nextBefore: rows.length > limit ? page.at(-1)!.id : null };
}
