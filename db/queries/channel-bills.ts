import "server-only";
import { and, asc, desc, eq, gt, inArray, isNull, lt, sql } from "drizzle-orm";
import { UnknownYearError } from "@/lib/calendar";
import { billLineDueAt, BILLED_CHANNELS } from "@/lib/channels/bill-due";
import { env } from "@/lib/env";
import { log } from "@/lib/log";
import { db, type Executor } from "../client";
import { channelBillExceptions, channelBillLines, channelConfirmations, settlementBatches, settlementLines } from "../schema";
import { loadCalendar } from "./calendar";
import type { StaffPrincipal } from "./staff";

/**
 * Channel bills against confirmations (issue 14). A bill line and a
 * confirmation are the same payment when they carry the same (channel,
 * transaction id): channel_bill_lines, written by the bill's import. A
 * confirmation with no bill line by the end of the next business day becomes
 * an exception (this job); a bill line with no confirmation shows at once.
 */

/** Confirmations looked at per run, oldest payments first, so a backlog drains in order. */
const RAISE_BATCH = 1000;
const LOOKBACK_DAYS = 31;

const onBill = sql`exists (select 1 from ${channelBillLines} b where b.channel = ${channelConfirmations.channel} and b.transaction_id = ${channelConfirmations.transactionId})`;

/**
 * Worker job `raise_channel_bill_exceptions`: WeChat Pay and Alipay
 * confirmations not on any bill line whose due time (lib/channels/bill-due.ts)
 * has passed are recorded as exceptions, once each (`on conflict do nothing`,
 * so workers running it at once raise each one once). A year the calendar does
 * not know waits for an admin, logged.
 */
export async function raiseChannelBillExceptions(now: Date, options: { timeZone?: string } = {}, tx: Executor = db()): Promise<number> {
  const timeZone = options.timeZone ?? env().TZ;
  // Due at the end of the next business day: never less than a day after the payment.
  const candidates = await tx
    .select({ id: channelConfirmations.id, paidAt: channelConfirmations.paidAt })
    .from(channelConfirmations)
    .leftJoin(channelBillExceptions, eq(channelBillExceptions.confirmationId, channelConfirmations.id))
    .where(
      and(
        inArray(channelConfirmations.channel, BILLED_CHANNELS),
        isNull(channelBillExceptions.id),
        lt(channelConfirmations.paidAt, new Date(now.getTime() - 86_400_000)),
        // Older ones were decided long ago: the scan stays the size of a month of payments.
        gt(channelConfirmations.receivedAt, new Date(now.getTime() - LOOKBACK_DAYS * 86_400_000)),
        sql`not ${onBill}`,
      ),
    )
    .orderBy(asc(channelConfirmations.paidAt), asc(channelConfirmations.id))
    .limit(RAISE_BATCH);
  if (candidates.length === 0) return 0;
  const calendar = await loadCalendar(tx);
  const due: { confirmationId: number; dueAt: Date; raisedAt: Date }[] = [];
  for (const c of candidates) {
    try {
      const dueAt = billLineDueAt(c.paidAt, calendar, timeZone);
      if (dueAt <= now) due.push({ confirmationId: c.id, dueAt, raisedAt: now });
    } catch (error) {
      if (!(error instanceof UnknownYearError)) throw error;
      log("warn", "channel_bill_calendar_unknown_year", { year: error.year });
    }
  }
  if (due.length === 0) return 0;
  const raised = await tx.insert(channelBillExceptions).values(due).onConflictDoNothing().returning({ id: channelBillExceptions.id });
  return raised.length;
}

type Page = { before?: number; limit?: number };

/**
 * The console: confirmations raised as "not on the channel's bill" and still on
 * none (a bill imported late takes them off by itself), newest first. Every
 * staff role may look, like unmatched settlement lines.
 */
export async function confirmationsMissingFromBill(_staff: StaffPrincipal, page: Page = {}, tx: Executor = db()) {
  const limit = page.limit ?? 50;
  const rows = await tx
    .select({
      id: channelBillExceptions.id,
      dueAt: channelBillExceptions.dueAt,
      channel: channelConfirmations.channel,
      transactionId: channelConfirmations.transactionId,
      outTradeNo: channelConfirmations.outTradeNo,
      receiptNo: channelConfirmations.receiptNo,
      amountFen: channelConfirmations.amountFen,
      paidAt: channelConfirmations.paidAt,
    })
    .from(channelBillExceptions)
    .innerJoin(channelConfirmations, eq(channelConfirmations.id, channelBillExceptions.confirmationId))
    .where(and(sql`not ${onBill}`, page.before ? lt(channelBillExceptions.id, page.before) : undefined))
    .orderBy(desc(channelBillExceptions.id))
    .limit(limit + 1);
  return { rows: rows.slice(0, limit), nextBefore: rows.length > limit ? rows[limit - 1]!.id : null };
}

/** The console: bill lines whose transaction no confirmation names (yet), newest first. */
export async function billLinesWithoutConfirmation(_staff: StaffPrincipal, page: Page = {}, tx: Executor = db()) {
  const limit = page.limit ?? 50;
  const rows = await tx
    .select({
      id: settlementLines.id,
      channel: channelBillLines.channel,
      transactionId: channelBillLines.transactionId,
      amountFen: settlementLines.amountFen,
      valueDate: settlementLines.valueDate,
      remittance: settlementLines.remittance,
      fileName: settlementBatches.fileName,
    })
    .from(channelBillLines)
    .innerJoin(settlementLines, eq(settlementLines.id, channelBillLines.settlementLineId))
    .innerJoin(settlementBatches, eq(settlementBatches.id, settlementLines.batchId))
    .where(
      and(
        sql`not exists (select 1 from ${channelConfirmations} c where c.channel = ${channelBillLines.channel} and c.transaction_id = ${channelBillLines.transactionId})`,
        page.before ? lt(channelBillLines.settlementLineId, page.before) : undefined,
      ),
    )
    .orderBy(desc(channelBillLines.settlementLineId))
    .limit(limit + 1);
  return { rows: rows.slice(0, limit), nextBefore: rows.length > limit ? rows[limit - 1]!.id : null };
}
