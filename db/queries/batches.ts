import "server-only";
import { sql } from "drizzle-orm";
import { AppError } from "@/lib/errors";
import type { IsoDate } from "@/lib/dates";
import { db, queryRows, type Executor } from "../client";
import type { StaffPrincipal } from "./staff";

/** Batches (issue 16) for supervisors: each batch, its members and its difference (credit − net). */
export type BatchRow = {
  id: number;
  channel: string;
  terminalId: string | null;
  batchNo: string | null;
  batchDate: IsoDate;
  source: "detail" | "sum";
  grossFen: number;
  feeFen: number;
  netFen: number;
  memberCount: number;
  /** Lines of the detail file whose receipt is not (yet) a member. */
  unlinkedDetails: number;
  creditFen: number | null;
  creditDate: IsoDate | null;
  differenceFen: number | null;
  members: { receiptNo: string; grossFen: number; feeFen: number }[];
};

const ALLOWED = new Set(["supervisor", "admin"]);
/** Members listed per batch on the page (the count is always exact). */
export const MEMBERS_SHOWN = 20;

export async function listBatches(actor: StaffPrincipal, options: { limit?: number } = {}, tx: Executor = db()): Promise<BatchRow[]> {
  if (!ALLOWED.has(actor.role)) throw new AppError("forbidden");
  const limit = Math.min(Math.max(options.limit ?? 50, 1), 200);
  const rows = await queryRows<Record<string, unknown>>(
    tx,
    sql`select b.id, b.channel, b.terminal_id, b.batch_no, b.batch_date::text as batch_date, b.source, b.gross_fen, b.fee_fen, b.net_fen, b.member_count,
               l.amount_fen as credit_fen, l.value_date::text as credit_date,
               (select count(*)::int from settlement_detail_lines d
                 where b.source = 'detail' and d.channel = b.channel and coalesce(d.terminal_id, '') = coalesce(b.terminal_id, '')
                   and coalesce(d.batch_no, '') = coalesce(b.batch_no, '') and d.batch_date = b.batch_date
                   and not exists (select 1 from channel_batch_members bm where bm.detail_line_id = d.id)) as unlinked,
               coalesce((select json_agg(json_build_object('receiptNo', r.receipt_no, 'grossFen', bm.gross_fen, 'feeFen', bm.fee_fen) order by r.receipt_no)
                 from (select * from channel_batch_members bm where bm.batch_id = b.id order by bm.receipt_id limit ${MEMBERS_SHOWN}) bm
                 join receipts r on r.id = bm.receipt_id), '[]'::json) as members
        from channel_batches b left join settlement_lines l on l.id = b.settlement_line_id
        order by b.batch_date desc, b.id desc
        limit ${limit}`,
  );
  return rows.map((r) => {
    const creditFen = r.credit_fen === null ? null : Number(r.credit_fen);
    return {
      id: Number(r.id),
      channel: String(r.channel),
      terminalId: (r.terminal_id as string | null) ?? null,
      batchNo: (r.batch_no as string | null) ?? null,
      batchDate: String(r.batch_date),
      source: r.source as "detail" | "sum",
      grossFen: Number(r.gross_fen),
      feeFen: Number(r.fee_fen),
      netFen: Number(r.net_fen),
      memberCount: Number(r.member_count),
      unlinkedDetails: Number(r.unlinked),
      creditFen,
      creditDate: (r.credit_date as string | null) ?? null,
      differenceFen: creditFen === null ? null : creditFen - Number(r.net_fen),
      members: (r.members as { receiptNo: string; grossFen: number | string; feeFen: number | string }[]).map((m) => ({ receiptNo: m.receiptNo, grossFen: Number(m.grossFen), feeFen: Number(m.feeFen) })),
    };
  });
}

/** Fees channels kept, by channel and month of the credit (the dashboard, issue 16). */
export async function feesByChannelMonth(actor: StaffPrincipal, options: { months?: number } = {}, tx: Executor = db()): Promise<{ channel: string; month: string; feeFen: number; grossFen: number; credits: number }[]> {
  if (!ALLOWED.has(actor.role)) throw new AppError("forbidden");
  const months = Math.min(Math.max(options.months ?? 6, 1), 24);
  const rows = await queryRows<{ channel: string; month: string; fee: string | number; gross: string | number; credits: number }>(
    tx,
    sql`select coalesce(r.channel, b.channel, l.channel, '') as channel, to_char(l.value_date, 'YYYY-MM') as month,
               sum(m.fee_fen) as fee, sum(m.gross_fen) as gross, count(*)::int as credits
        from matches m
        join settlement_lines l on l.id = m.settlement_line_id
        left join receipts r on r.id = m.receipt_id
        left join channel_batches b on b.id = m.batch_id
        where m.fee_fen is not null and m.fee_fen > 0
          and l.value_date >= (date_trunc('month', current_date) - make_interval(months => ${months - 1}))::date
        group by 1, 2 order by 2 desc, 1`,
  );
  return rows.map((r) => ({ channel: r.channel, month: r.month, feeFen: Number(r.fee), grossFen: Number(r.gross), credits: r.credits }));
}
