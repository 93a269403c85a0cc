import "server-only";
import { sql } from "drizzle-orm";
import { BILL_PROFILE_CHANNEL } from "@/lib/channels/bill-due";
import { queryRows, type Executor } from "../client";

export type ChannelBillSummary = {
  /** Bill lines of this file recorded with their transaction id. */
  billLines: number;
  /** Of those, how many a stored confirmation already names (the rest wait for one, or are an exception). */
  confirmed: number;
};

/** The channel whose bill a profile reads, or null for any other statement. */
export function billChannelOf(profile: string): string | null {
  return (BILL_PROFILE_CHANNEL as Record<string, string>)[profile] ?? null;
}

/**
 * After a channel bill's lines are merged (called from importSettlementFile,
 * same transaction): each new line of the batch is recorded with the channel
 * transaction id it carries (the profile's bank_ref column: 微信订单号,
 * 支付宝交易号), which is what ties it to its confirmation — both sides are
 * indexed on (channel, transaction_id). Set-based, one statement; a
 * transaction already on an earlier bill keeps its first line.
 */
export async function linkChannelBill(tx: Executor, batchId: number, profile: string): Promise<ChannelBillSummary | null> {
  const channel = billChannelOf(profile);
  if (!channel) return null;
  const [row] = await queryRows<{ bill_lines: number; confirmed: number }>(
    tx,
    sql`with added as (
          insert into channel_bill_lines (settlement_line_id, channel, transaction_id)
          select l.id, ${channel}, l.bank_ref
          from settlement_lines l
          where l.batch_id = ${batchId} and l.bank_ref is not null
          on conflict do nothing
          returning channel, transaction_id
        )
        select count(*)::int as bill_lines,
               count(*) filter (where exists (
                 select 1 from channel_confirmations c where c.channel = a.channel and c.transaction_id = a.transaction_id))::int as confirmed
        from added a`,
  );
  return { billLines: row?.bill_lines ?? 0, confirmed: row?.confirmed ?? 0 };
}
