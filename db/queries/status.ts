import "server-only";
import { eq, sql, type SQL } from "drizzle-orm";
import { createCalendar, type CalendarOverride } from "@/lib/calendar";
import { zonedParts } from "@/lib/dates";
import { incidentsFor, type Incident } from "@/lib/incidents";
import { maskName, maskTransactionId } from "@/lib/mask";
import type { FeeScheduleEntry } from "@/lib/fee-schedule";
import { derivePaymentStatus, type MatchedLine, type PaymentStatus } from "@/lib/status";
import { db, type Executor, residentReads } from "../client";
import { calendarOverrides, calendarYears, channelConfirmations, channels, feeSchedules, incidents, receipts, services, tickets } from "../schema";

/** What the public status page may show: the payer's name masked, no phone, no account number. */
export type PublicReceipt = {
  receiptNo: string;
  serviceZh: string;
  serviceEn: string;
  channel: string;
  channelZh: string;
  channelEn: string;
  payerMasked: string;
  amountDueFen: number;
  amountPaidFen: number | null;
  paidAt: Date | null;
};

/** A channel's confirmation as the status page shows it: the transaction id masked. */
export type PublicConfirmation = {
  channel: "wechat" | "alipay" | "acquirer";
  paidAt: Date;
  transactionIdMasked: string;
  /**
   * Different channel transactions confirmed for this receipt (one row per transaction id). Two or more is a
   * payment made twice: SPEC §2.1 calls a receipt `duplicate` only on two settlements, so before the statement
   * the page stays `pending` and shows this as evidence ("possibly paid twice").
   */
  paymentsConfirmed: number;
};

/**
 * The refunds case for this receipt's excess (opened by matching or by the resident), as its progress:
 * accepted on a date, due by a date on the refunds SLA, done. Nothing of the ticket's text or contact.
 */
export type RefundProgress = { stage: "accepted" | "in_progress" | "done"; openedAt: Date; dueAt: Date | null; doneAt: Date | null };

export type PublicStatus = { receipt: PublicReceipt; status: PaymentStatus; incidents: Incident[]; confirmation: PublicConfirmation | null; refund: RefundProgress | null };

type RefundRow = { status: string; openedAt: string; dueAt: string | null; resolvedAt: string | null; worked: boolean };

function refundProgress(row: RefundRow | undefined): RefundProgress | null {
  if (!row) return null;
  const done = row.status === "resolved" || row.status === "closed";
  return {
    stage: done ? "done" : row.worked ? "in_progress" : "accepted",
    openedAt: new Date(row.openedAt),
    dueAt: row.dueAt ? new Date(row.dueAt) : null,
    doneAt: done && row.resolvedAt ? new Date(row.resolvedAt) : null,
  };
}

type ConfirmationRow = { channel: PublicConfirmation["channel"]; transactionId: string; amountFen: number | string; paidAt: string };

/**
 * Unscoped by design: the caller has already proven the right to see this
 * receipt (signed QR token, remembered lookup, or the amount it just typed).
 */
export async function unsafeReceiptForLookup(receiptNo: string, tx: Executor = db()) {
  const [row] = await tx
    .select({ receiptNo: receipts.receiptNo, amountPaidFen: receipts.amountPaidFen, amountDueFen: receipts.amountDueFen })
    .from(receipts)
    .where(eq(receipts.receiptNo, receiptNo))
    .limit(1);
  return row ?? null;
}

/**
 * Everything the derivation needs, in one round trip: the receipt with its
 * channel and service, its matched lines, its channel confirmations, the
 * service's fee schedule, open incidents on its channel and the calendar corrections.
 */
export async function publicStatus(receiptNo: string, options: { now: Date; timeZone: string }, tx: Executor = residentReads()): Promise<PublicStatus | null> {
  const today = zonedParts(options.now, options.timeZone).date;
  // The portal's busiest query: its SQL is built once per database handle (or transaction) and reused.
  let query = preparedStatus.get(tx);
  if (!query) preparedStatus.set(tx, (query = statusQuery(tx)));
  const [row] = await query.execute({ receiptNo, today });
  if (!row) return null;

  const calendar = createCalendar({ overrides: row.overrides, publishedYears: row.publishedYears });
  // The first confirmation is the evidence (a second transaction for the same order would be the channel's duplicate).
  const first = row.confirmations[0];
  const confirmation = first ? { channel: first.channel, amountFen: Number(first.amountFen), paidAt: new Date(first.paidAt) } : null;
  const status = derivePaymentStatus(
    row,
    row.lines.map(fenNumbers),
    row,
    { calendar, timeZone: options.timeZone, now: options.now, feeSchedule: row.feeSchedule.map(fenNumbers) },
    confirmation,
  );
  return {
    receipt: {
      receiptNo: row.receiptNo,
      serviceZh: row.serviceZh,
      serviceEn: row.serviceEn,
      channel: row.channel,
      channelZh: row.channelZh,
      channelEn: row.channelEn,
      payerMasked: maskName(row.payerName),
      amountDueFen: row.amountDueFen,
      amountPaidFen: row.amountPaidFen,
      paidAt: row.paidAt,
    },
    status,
    confirmation: first && confirmation ? { channel: first.channel, paidAt: confirmation.paidAt, transactionIdMasked: maskTransactionId(first.transactionId), paymentsConfirmed: row.confirmations.length } : null,
    refund: status.code === "duplicate" || (status.code === "posted" && status.overpaidFen) ? refundProgress(row.refundCases[0]) : null,
    incidents: incidentsFor(row.incidents, status, {
      channel: row.channel,
      paidDate: row.paidAt ? zonedParts(row.paidAt, options.timeZone).date : null,
    }),
  };
}

const preparedStatus = new WeakMap<Executor, ReturnType<typeof statusQuery>>();

function statusQuery(tx: Executor) {
  return tx
    .select({
      receiptNo: receipts.receiptNo,
      serviceZh: services.nameZh,
      serviceEn: services.nameEn,
      payerName: receipts.payerName,
      amountDueFen: receipts.amountDueFen,
      amountPaidFen: receipts.amountPaidFen,
      paidAt: receipts.paidAt,
      billingStatus: receipts.billingStatus,
      refundAmountFen: receipts.refundAmountFen,
      refundedAt: receipts.refundedAt,
      // A refund's expected date counts from when it was recorded: the receipt's last change (lib/status.ts).
      refundRecordedAt: receipts.updatedAt,
      channel: channels.code,
      channelZh: channels.nameZh,
      channelEn: channels.nameEn,
      lagDays: channels.lagDays,
      cutoff: channels.cutoff,
      lockWindowMinutes: channels.lockWindowMinutes,
      lines: jsonList<MatchedLine>(sql`
        select json_strip_nulls(json_build_object('amountFen', c.amount_fen, 'valueDate', c.value_date, 'batchDate', c.batch_date)) as item
        from receipt_credits c
        where c.receipt_id = ${receipts.id}
        order by c.value_date, c.settlement_line_id`),
      feeSchedule: jsonList<FeeScheduleEntry>(sql`
        select json_build_object('amountFen', f.amount_fen, 'effectiveFrom', f.effective_from, 'effectiveTo', f.effective_to) as item
        from ${feeSchedules} f
        where f.service = ${receipts.service} and f.effective_from <= ${sql.placeholder("today")}::date`),
      incidents: jsonList<Incident>(sql`
        select json_build_object('id', i.id, 'channel', i.channel, 'valueFrom', i.value_from, 'valueTo', i.value_to,
                                 'messageZh', i.message_zh, 'messageEn', i.message_en) as item
        from ${incidents} i
        where i.ended_at is null and (i.channel is null or i.channel = ${receipts.channel})
        order by i.id`),
      // Confirmations of this receipt from its own channel (an acquirer confirms POS payments); one
      // stored before the receipt arrived on another channel is not evidence for it.
      confirmations: jsonList<ConfirmationRow>(sql`
        select json_build_object('channel', c.channel, 'transactionId', c.transaction_id, 'amountFen', c.amount_fen, 'paidAt', c.paid_at) as item
        from ${channelConfirmations} c
        where c.receipt_no = ${receipts.receiptNo}
          and (case c.channel when 'acquirer' then 'pos' else c.channel end) = ${receipts.channel}
        order by c.paid_at, c.id`),
      // The latest refunds case of this receipt; "worked" once staff took it or acted on it.
      refundCases: jsonList<RefundRow>(sql`
        select json_build_object('status', t.status, 'openedAt', t.created_at, 'dueAt', t.due_at, 'resolvedAt', t.resolved_at,
                                 'worked', t.assignee_id is not null or t.status <> 'open') as item
        from ${tickets} t
        where t.queue = 'refunds' and t.merged_into_id is null and (t.receipt_id = ${receipts.id} or t.receipt_no = ${receipts.receiptNo})
        order by t.created_at desc, t.id desc
        limit 1`),
      overrides: jsonList<CalendarOverride>(sql`
        select json_build_object('day', o.day, 'isBusinessDay', o.is_business_day) as item from ${calendarOverrides} o`),
      publishedYears: jsonList<number>(sql`select y.year as item from ${calendarYears} y`),
    })
    .from(receipts)
    .innerJoin(channels, eq(channels.code, receipts.channel))
    .innerJoin(services, eq(services.code, receipts.service))
    .where(eq(receipts.receiptNo, sql.placeholder("receiptNo")))
    .limit(1)
    .prepare("public_status");
}

/** A correlated subquery as a JSON array (`item` column), never null. */
function jsonList<T>(query: SQL) {
  return sql<T[]>`coalesce((select json_agg(q.item) from (${query}) q), '[]'::json)`;
}

/** bigint columns arrive as JSON numbers or strings depending on the driver; money is always a safe integer. */
function fenNumbers<T extends { amountFen: number | string }>(item: T): T & { amountFen: number } {
  return { ...item, amountFen: Number(item.amountFen) };
}
