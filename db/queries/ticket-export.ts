import "server-only";
import { and, asc, eq, gt, gte, lt, type SQL } from "drizzle-orm";
import { addDays, type IsoDate, zonedInstant } from "@/lib/dates";
import { AppError } from "@/lib/errors";
import type { TicketCategory, TicketQueue, TicketStatus } from "@/lib/routing";
import { db, type Db, type Tx } from "../client";
import { staff, tickets } from "../schema";
import { recordAudit, staffActor } from "./audit";
import type { StaffPrincipal } from "./staff-auth";

/**
 * Tickets as CSV for supervisors and admins: read in keyset pages on the id so
 * an export of any size streams in bounded memory. The payer's contact is not
 * exported (a file leaves the system; the ticket page is where it is seen).
 */

export type TicketExportFilters = { queue?: TicketQueue; status?: TicketStatus; category?: TicketCategory; from?: IsoDate; to?: IsoDate };

export const TICKET_EXPORT_COLUMNS = [
  "ref",
  "created_at",
  "status",
  "queue",
  "category",
  "priority",
  "payment_status",
  "receipt_no",
  "due_at",
  "resolved_at",
  "assignee",
  "rating",
  "description",
] as const;

export type TicketExportRow = {
  id: number;
  ref: string;
  createdAt: Date;
  status: TicketStatus;
  queue: TicketQueue;
  category: TicketCategory;
  priority: number;
  paymentStatus: string;
  receiptNo: string | null;
  dueAt: Date | null;
  resolvedAt: Date | null;
  assignee: string | null;
  rating: number | null;
  description: string;
};

const EXPORTERS = new Set(["supervisor", "admin"]);

function requireExporter(actor: StaffPrincipal) {
  if (!EXPORTERS.has(actor.role)) throw new AppError("forbidden");
}

/** Audited before the first byte leaves: who exported which filter. */
export async function recordTicketExport(actor: StaffPrincipal, filters: TicketExportFilters, tx: Db | Tx = db()): Promise<void> {
  requireExporter(actor);
  const detail: Record<string, string> = {};
  for (const [key, value] of Object.entries(filters)) if (value) detail[key] = value;
  await recordAudit(tx, { actor: staffActor(actor.id), action: "tickets.export", objectType: "ticket", outcome: "ok", detail });
}

export async function* ticketExportPages(
  actor: StaffPrincipal,
  filters: TicketExportFilters,
  options: { timeZone: string; pageSize?: number },
  tx: Db | Tx = db(),
): AsyncGenerator<TicketExportRow[]> {
  requireExporter(actor);
  const where: SQL[] = [];
  if (filters.queue) where.push(eq(tickets.queue, filters.queue));
  if (filters.status) where.push(eq(tickets.status, filters.status));
  if (filters.category) where.push(eq(tickets.category, filters.category));
  if (filters.from) where.push(gte(tickets.createdAt, zonedInstant(filters.from, "00:00", options.timeZone)));
  if (filters.to) where.push(lt(tickets.createdAt, zonedInstant(addDays(filters.to, 1), "00:00", options.timeZone)));
  const pageSize = options.pageSize ?? 1000;
  let after = 0;
  for (;;) {
    const rows = await tx
      .select({
        id: tickets.id,
        ref: tickets.ref,
        createdAt: tickets.createdAt,
        status: tickets.status,
        queue: tickets.queue,
        category: tickets.category,
        priority: tickets.priority,
        paymentStatus: tickets.paymentStatus,
        receiptNo: tickets.receiptNo,
        dueAt: tickets.dueAt,
        resolvedAt: tickets.resolvedAt,
        assignee: staff.email,
        rating: tickets.rating,
        description: tickets.description,
      })
      .from(tickets)
      .leftJoin(staff, eq(staff.id, tickets.assigneeId))
      .where(and(gt(tickets.id, after), ...where))
      .orderBy(asc(tickets.id))
      .limit(pageSize);
    if (rows.length === 0) return;
    yield rows;
    if (rows.length < pageSize) return;
    after = rows.at(-1)!.id;
  }
}
