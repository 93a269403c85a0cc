import "server-only";
import { eq, sql } from "drizzle-orm";
import type { OrderQueryClient, OrderQueryResult } from "@/lib/channels/order-query";
import { log } from "@/lib/log";
import { db, queryRows, type Executor } from "../client";
import { channelOrderQueries } from "../schema";
import { recordConfirmation } from "./channel-confirmations";

/**
 * Worker job `query_channel_orders` (issue 14): receipts paid on WeChat Pay or
 * Alipay that are past their lock window, not settled and not confirmed are
 * asked about at the channel's order-query API (lib/channels/order-query.ts).
 * A paid answer is stored exactly as a notification would be (recordConfirmation:
 * idempotent by transaction id, so a notification arriving meanwhile adds
 * nothing). Bounded: at most `maxQueries` a run, each with the client's
 * timeout, asked one after another; a receipt is asked again only after
 * `requeryMinutes`, and only within `lookbackDays` of its payment.
 */

export type OrderQueryOptions = { maxQueries?: number; requeryMinutes?: number; lookbackDays?: number };

export type OrderQueryRun = { asked: number; confirmed: number; notPaid: number; notFound: number; errors: number };

/** Advisory lock key that makes concurrent workers pick different receipts ("paysts" + 14). */
const CLAIM_LOCK_KEY = 0x7061_7973_740e;

export async function queryChannelOrders(now: Date, clients: OrderQueryClient[], options: OrderQueryOptions = {}, executor: Executor = db()): Promise<OrderQueryRun> {
  const run: OrderQueryRun = { asked: 0, confirmed: 0, notPaid: 0, notFound: 0, errors: 0 };
  if (clients.length === 0) return run;
  const maxQueries = options.maxQueries ?? 20;
  const requeryMinutes = options.requeryMinutes ?? 30;
  const lookbackDays = options.lookbackDays ?? 14;
  const byChannel = new Map(clients.map((c) => [c.channel, c]));
  const channels = [...byChannel.keys()];

  // Claimed in one short transaction (an 'asking' row per receipt), so two workers never ask about the same one;
  // the HTTP calls happen outside any transaction.
  const claimed = await executor.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${CLAIM_LOCK_KEY}::bigint)`);
    const due = await queryRows<{ id: number | string; receipt_no: string; channel: "wechat" | "alipay" }>(
      tx,
      sql`select r.id, r.receipt_no, r.channel
          from receipts r join channels ch on ch.code = r.channel
          where r.channel in (${sql.join(channels.map((c) => sql`${c}`), sql`, `)})
            -- The order number is the receipt number unless a pattern maps it (then we cannot build it back).
            and ch.order_no_pattern is null
            and r.billing_status in ('paid', 'sent_to_bank')
            and r.paid_at is not null
            and r.paid_at < ${now.toISOString()}::timestamptz - make_interval(mins => coalesce(ch.lock_window_minutes, 0))
            and r.paid_at > ${now.toISOString()}::timestamptz - make_interval(days => ${lookbackDays}::int)
            and not exists (select 1 from matches m where m.receipt_id = r.id)
            and not exists (select 1 from channel_confirmations c where c.receipt_no = r.receipt_no)
            and not exists (select 1 from channel_order_queries q where q.receipt_id = r.id
                            and q.queried_at > ${now.toISOString()}::timestamptz - make_interval(mins => ${requeryMinutes}::int))
          order by r.paid_at, r.id
          limit ${maxQueries}`,
    );
    if (due.length === 0) return [];
    const rows = await tx
      .insert(channelOrderQueries)
      .values(due.map((d) => ({ receiptId: Number(d.id), channel: d.channel, outcome: "asking", queriedAt: now })))
      .returning({ id: channelOrderQueries.id });
    return due.map((d, i) => ({ queryId: rows[i]!.id, receiptNo: d.receipt_no, channel: d.channel }));
  });

  for (const c of claimed) {
    const client = byChannel.get(c.channel)!;
    let answer: OrderQueryResult;
    try {
      answer = await client.query(c.receiptNo);
    } catch {
      answer = { kind: "error", reason: "network" };
    }
    run.asked++;
    let outcome: string = answer.kind;
    if (answer.kind === "paid") {
      // Only an answer about the order we asked for: a channel answering for another order is not evidence.
      if (answer.payment.outTradeNo !== c.receiptNo) {
        outcome = "error";
        run.errors++;
        log("warn", "channel_order_query_refused", { channel: c.channel, reason: "other_order" });
      } else {
        const stored = await recordConfirmation(answer.payment, executor);
        if (stored.kind === "refused") {
          outcome = "error";
          run.errors++;
          log("warn", "channel_order_query_refused", { channel: c.channel, reason: stored.reason });
        } else {
          run.confirmed++;
        }
      }
    } else if (answer.kind === "not_paid") run.notPaid++;
    else if (answer.kind === "not_found") run.notFound++;
    else {
      run.errors++;
      // The reason only: never the order number or anything the channel sent.
      log("warn", "channel_order_query_failed", { channel: c.channel, reason: answer.reason });
    }
    await executor.update(channelOrderQueries).set({ outcome: outcome === "paid" ? "success" : outcome }).where(eq(channelOrderQueries.id, c.queryId));
  }
  return run;
}
