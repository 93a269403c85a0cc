import "server-only";
import { and, asc, eq, inArray, isNull, sql, type SQL } from "drizzle-orm";
import { canSeeQueue, type StaffScope } from "@/lib/auth/roles";
import { TICKET_QUEUES, type TicketCategory, type TicketQueue, type TicketStatus } from "@/lib/routing";
import { addDays, zonedInstant, zonedParts } from "@/lib/dates";
import { decodeCursor, encodeCursor, type QueueView, type TQueueFilters } from "@/lib/ticket-desk";
import { db, type Executor, queryRows } from "../client";
import { receipts, staff as staffTable, ticketEvents, tickets } from "../schema";
import { recordAudit, staffActor } from "./audit";
import type { StaffPrincipal } from "./staff";

/**
 * Staff queues (SPEC §2.3, issue 6): counts per queue, a queue sorted by due
 * time with keyset pagination on (due_at, id) — never OFFSET, so page 10,000
 * costs what page 1 costs — the "next ticket" claim, and least-loaded
 * assignment. Agents see their own queues; supervisors and admins all.
 */

export function visibleQueues(scope: StaffScope): TicketQueue[] {
  return TICKET_QUEUES.filter((queue) => canSeeQueue(scope, queue));
}

export type QueueCounts = { queue: TicketQueue; open: number; waiting: number; breached: number; unassigned: number };

/**
 * Per visible queue: open tickets, tickets waiting (on the resident or on
 * settlement), open tickets past their due time (a paused clock is not a
 * breach), and open tickets nobody has taken. Each count is answered from an
 * index alone.
 */
export async function queueCounts(scope: StaffScope, now: Date, tx: Executor = db()): Promise<QueueCounts[]> {
  const queues = visibleQueues(scope);
  if (queues.length === 0) return [];
  const [byStatus, unassigned] = await Promise.all([
    tx
      .select({
        queue: tickets.queue,
        status: tickets.status,
        n: sql<number>`count(*)::int`,
        breached: sql<number>`(count(*) filter (where ${tickets.dueAt} <= ${now.toISOString()}::timestamptz))::int`,
      })
      .from(tickets)
      .where(and(inArray(tickets.queue, queues), inArray(tickets.status, ["open", "waiting_on_payer", "waiting_on_settlement"])))
      .groupBy(tickets.queue, tickets.status),
    tx
      .select({ queue: tickets.queue, n: sql<number>`count(*)::int` })
      .from(tickets)
      .where(and(inArray(tickets.queue, queues), unassignedOpen()))
      .groupBy(tickets.queue),
  ]);
  return queues.map((queue) => {
    const rows = byStatus.filter((r) => r.queue === queue);
    const open = rows.find((r) => r.status === "open");
    return {
      queue,
      open: open?.n ?? 0,
      waiting: rows.filter((r) => r.status !== "open").reduce((sum, r) => sum + r.n, 0),
      breached: open?.breached ?? 0,
      unassigned: unassigned.find((r) => r.queue === queue)?.n ?? 0,
    };
  });
}

/** Written out literally (not as parameters) so the planner can use the partial index tickets_unassigned_open_idx. */
const unassignedOpen = () => sql`${tickets.status} = 'open' and ${tickets.assigneeId} is null`;

export type QueueRow = {
  id: number;
  ref: string;
  status: TicketStatus;
  category: TicketCategory;
  priority: number;
  receiptNo: string | null;
  /** The receipt's amount due and paid (null without a receipt in the store), and the payment status the ticket was routed on. */
  amountDueFen: number | null;
  amountPaidFen: number | null;
  paymentStatus: string;
  dueAt: Date | null;
  pausedAt: Date | null;
  createdAt: Date;
  assigneeName: string | null;
  assigneeId: number | null;
};

export type QueuePage = { rows: QueueRow[]; nextCursor: string | null };

export const QUEUE_PAGE_SIZE = 50;

/**
 * One page of a queue, most urgent first: due_at ascending (tickets without
 * a due time, waiting on settlement, last), then id. The cursor is the last
 * row's (due_at, id); a row comparison on it walks the index from there.
 * Null when the staff member may not see the queue.
 */
export async function queuePage(
  scope: StaffScope & { id: number },
  queue: QueueView,
  filters: TQueueFilters,
  options: { limit?: number; now?: Date; timeZone?: string } = {},
  tx: Executor = db(),
): Promise<QueuePage | null> {
  const queues = queue === "all" ? visibleQueues(scope) : canSeeQueue(scope, queue) ? [queue] : [];
  if (queues.length === 0) return null;
  const limit = options.limit ?? QUEUE_PAGE_SIZE;
  const cursor = decodeCursor(filters.cursor);
  const now = options.now ?? new Date();
  const endOfToday = zonedInstant(addDays(zonedParts(now, options.timeZone ?? "Asia/Shanghai").date, 1), "00:00", options.timeZone ?? "Asia/Shanghai");
  const base: (SQL | undefined)[] = [
    queues.length === 1 ? eq(tickets.queue, queues[0]!) : inArray(tickets.queue, queues),
    // The same rule as the console home's "breached" count: past due and the clock not paused.
    filters.due === "overdue" ? sql`${tickets.dueAt} <= ${now.toISOString()}::timestamptz and ${tickets.pausedAt} is null` : undefined,
    filters.due === "today" ? sql`${tickets.dueAt} > ${now.toISOString()}::timestamptz and ${tickets.dueAt} <= ${endOfToday.toISOString()}::timestamptz and ${tickets.pausedAt} is null` : undefined,
    filters.status === "open" && filters.assigned === "unassigned" ? unassignedOpen() : eq(tickets.status, filters.status),
    filters.assigned === "me" ? eq(tickets.assigneeId, scope.id) : undefined,
    filters.assigned === "unassigned" ? isNull(tickets.assigneeId) : undefined,
    filters.category ? eq(tickets.category, filters.category) : undefined,
  ];
  const select = (position: SQL, take: number) =>
    tx
      .select({
        id: tickets.id,
        ref: tickets.ref,
        status: tickets.status,
        category: tickets.category,
        priority: tickets.priority,
        receiptNo: tickets.receiptNo,
        amountDueFen: receipts.amountDueFen,
        amountPaidFen: receipts.amountPaidFen,
        paymentStatus: tickets.paymentStatus,
        dueAt: tickets.dueAt,
        pausedAt: tickets.pausedAt,
        createdAt: tickets.createdAt,
        assigneeId: tickets.assigneeId,
        assigneeName: staffTable.name,
      })
      .from(tickets)
      .leftJoin(staffTable, eq(staffTable.id, tickets.assigneeId))
      .leftJoin(receipts, eq(receipts.id, tickets.receiptId))
      .where(and(...base, position))
      .orderBy(asc(tickets.dueAt), asc(tickets.id))
      .limit(take);

  // Rows with a due time come first; once they run out, the rows without one follow in id order.
  let rows: QueueRow[] = [];
  if (!cursor || cursor.dueAt) {
    const after = cursor?.dueAt ? sql`(${tickets.dueAt}, ${tickets.id}) > (${cursor.dueAt.toISOString()}::timestamptz, ${cursor.id})` : sql`${tickets.dueAt} is not null`;
    rows = await select(after, limit + 1);
  }
  if (rows.length <= limit) {
    const afterId = cursor && !cursor.dueAt ? cursor.id : 0;
    rows = rows.concat(await select(sql`${tickets.dueAt} is null and ${tickets.id} > ${afterId}`, limit + 1 - rows.length));
  }
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return { rows: page, nextCursor: rows.length > limit && last ? encodeCursor({ dueAt: last.dueAt, id: last.id }) : null };
}

/** How many of the most urgent unassigned tickets per queue the claim considers before locking one. */
const CLAIM_CANDIDATES = 20;

/**
 * "Next ticket": the most urgent unassigned open ticket in the caller's queues
 * becomes theirs. FOR UPDATE SKIP LOCKED makes two clerks clicking at once
 * take different tickets instead of one waiting for (and then losing) the
 * other's. Returns the ticket's ref, or null when there is nothing to take.
 */
export async function claimNextTicket(staff: StaffPrincipal, now: Date, executor: Executor = db()): Promise<string | null> {
  const queues = visibleQueues(staff);
  if (queues.length === 0) return null;
  return executor.transaction(async (tx) => {
    // Per queue, the head of the partial index; then one row of those, locked, skipping rows another clerk holds.
    const [row] = await queryRows<{ id: string | number; ref: string; queue: string }>(
      tx,
      sql`
      select t.id, t.ref, t.queue from tickets t
      where t.id in (
        select c.id
        from unnest(array[${sql.join(
          queues.map((q) => sql`${q}`),
          sql`, `,
        )}]::ticket_queue[]) as q(queue)
        cross join lateral (
          select u.id from tickets u
          where u.queue = q.queue and u.status = 'open' and u.assignee_id is null
          order by u.due_at, u.id
          limit ${CLAIM_CANDIDATES}
        ) c
      )
      and t.status = 'open' and t.assignee_id is null
      order by t.due_at, t.id
      limit 1
      for update skip locked`,
    );
    if (!row) return null;
    const id = Number(row.id);
    await tx
      .update(tickets)
      .set({ assigneeId: staff.id, version: sql`${tickets.version} + 1`, updatedAt: now })
      .where(eq(tickets.id, id));
    await tx.insert(ticketEvents).values({ ticketId: id, at: now, actor: "staff", staffId: staff.id, kind: "claimed", public: false, data: { assigneeId: staff.id } });
    await recordAudit(tx, { actor: staffActor(staff.id), action: "ticket.claim_next", objectType: "ticket", objectId: row.ref, outcome: "ok", detail: { queue: row.queue } });
    return row.ref;
  });
}

/** Enabled agents who work a queue, with their load: open tickets (open or waiting on the resident) assigned to them. */
export async function agentsOfQueue(queue: TicketQueue, tx: Executor = db()): Promise<{ id: number; name: string; email: string; load: number }[]> {
  return tx
    .select({
      id: staffTable.id,
      name: staffTable.name,
      email: staffTable.email,
      load: sql<number>`count(${tickets.id})::int`,
    })
    .from(staffTable)
    .leftJoin(tickets, and(eq(tickets.assigneeId, staffTable.id), inArray(tickets.status, ["open", "waiting_on_payer"])))
    .where(and(eq(staffTable.role, "agent"), isNull(staffTable.disabledAt), sql`${queue} = any(${staffTable.queues})`))
    .groupBy(staffTable.id)
    .orderBy(asc(staffTable.id));
}

/** The least-loaded clerk of a queue: the fewest open tickets, the lowest id on a tie. Null when the queue has no agent. */
export async function leastLoadedAgent(queue: TicketQueue, tx: Executor = db()): Promise<{ id: number; name: string } | null> {
  const agents = await agentsOfQueue(queue, tx);
  return agents.reduce<(typeof agents)[number] | null>((best, a) => (best === null || a.load < best.load ? a : best), null);
}
