import "server-only";
import { and, isNotNull, lt, notInArray, sql } from "drizzle-orm";
import { db, type Executor } from "../client";
import { tickets } from "../schema";
import { outboxBacklog } from "./outbox";

/** Queue depth and SLA breaches per queue, read at scrape time (the same for every instance). */
export async function ticketQueueGauges(now = new Date(), tx: Executor = db()) {
  const rows = await tx
    .select({
      queue: tickets.queue,
      open: sql<number>`count(*)::int`,
      breached: sql<number>`count(*) filter (where ${and(isNotNull(tickets.dueAt), lt(tickets.dueAt, now), sql`${tickets.pausedAt} is null`)})::int`,
    })
    .from(tickets)
    .where(notInArray(tickets.status, ["resolved", "closed"]))
    .groupBy(tickets.queue);
  return { queues: rows.map((r) => ({ queue: r.queue, open: Number(r.open), breached: Number(r.breached) })), outbox: await outboxBacklog(tx) };
}
