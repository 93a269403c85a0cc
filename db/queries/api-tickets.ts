import "server-only";
import { and, asc, eq, gt, inArray, type SQL } from "drizzle-orm";
import { canSeeQueue } from "@/lib/auth/roles";
import type { TicketQueue, TicketStatus } from "@/lib/routing";
import { db, type Executor } from "../client";
import { tickets } from "../schema";
import type { StaffPrincipal } from "./staff-auth";

/**
 * Tickets for the integration API, scoped like the token's staff member: an
 * agent's token sees its own queues only; supervisors and admins see all.
 * Only routing facts leave here — no contact, description or payer data.
 */

export type ApiTicket = { ref: string; status: TicketStatus; queue: TicketQueue; category: string; receipt_no: string | null; priority: number; due_at: string | null };

const columns = {
  id: tickets.id,
  ref: tickets.ref,
  status: tickets.status,
  queue: tickets.queue,
  category: tickets.category,
  receiptNo: tickets.receiptNo,
  priority: tickets.priority,
  dueAt: tickets.dueAt,
};

type Row = { id: number; ref: string; status: TicketStatus; queue: TicketQueue; category: string; receiptNo: string | null; priority: number; dueAt: Date | null };

const toApi = (r: Row): ApiTicket => ({ ref: r.ref, status: r.status, queue: r.queue, category: r.category, receipt_no: r.receiptNo, priority: r.priority, due_at: r.dueAt?.toISOString() ?? null });

/** The ticket, or null when it does not exist or lies outside the caller's queues (the two are not told apart). */
export async function apiTicketByRef(caller: StaffPrincipal, ref: string, tx: Executor = db()): Promise<ApiTicket | null> {
  const [row] = await tx.select(columns).from(tickets).where(eq(tickets.ref, ref)).limit(1);
  return row && canSeeQueue(caller, row.queue) ? toApi(row) : null;
}

export type ApiTicketPage = { tickets: ApiTicket[]; nextAfter: number | null };

/**
 * Keyset pages in id order (stable while tickets are added). `forbidden` when
 * an agent names a queue that is not theirs.
 */
export async function apiTicketList(
  caller: StaffPrincipal,
  query: { queue?: TicketQueue; status?: TicketStatus; after?: number; limit: number },
  tx: Executor = db(),
): Promise<ApiTicketPage | "forbidden"> {
  const where: SQL[] = [];
  if (query.queue) {
    if (!canSeeQueue(caller, query.queue)) return "forbidden";
    where.push(eq(tickets.queue, query.queue));
  } else if (caller.role === "agent") {
    if (caller.queues.length === 0) return { tickets: [], nextAfter: null };
    where.push(inArray(tickets.queue, caller.queues as TicketQueue[]));
  }
  if (query.status) where.push(eq(tickets.status, query.status));
  if (query.after !== undefined) where.push(gt(tickets.id, query.after));
  const rows = await tx
    .select(columns)
    .from(tickets)
    .where(and(...where))
    .orderBy(asc(tickets.id))
    .limit(query.limit + 1);
  const page = rows.slice(0, query.limit);
  return { tickets: page.map(toApi), nextAfter: rows.length > query.limit ? page.at(-1)!.id : null };
}
