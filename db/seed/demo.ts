import { inArray, eq } from "drizzle-orm";
import { addDays, zonedParts } from "@/lib/dates";
import type { BillingStatus, StatusCode } from "@/lib/status";
import type { Db } from "../client";
import { demoReceiptNo as no, DEMO_RECEIPT_NUMBERS } from "./demo-receipts";
import { feeSchedules, matches, receipts, settlementBatches, settlementLines } from "../schema";

/**
 * Demo data: one receipt for every payment status of SPEC §2.1, with times
 * relative to `now` so the statuses hold whenever the demo is started.
 * Re-running replaces the demo rows and nothing else.
 */

export type DemoReceipt = {
  status: StatusCode;
  receiptNo: string;
  /** What the resident types into the amount field (yuan, as printed). */
  amount: string;
};

const DEMO_BATCH_HASH = "demo-seed";
const minutes = (now: Date, m: number) => new Date(now.getTime() + m * 60_000);

type Row = {
  status: StatusCode;
  n: number;
  service: string;
  payer: string;
  dueFen: number;
  paidFen: number | null;
  channel: string;
  paidAt: Date | null;
  billing: BillingStatus;
  lines?: { amountFen: number; valueDateOffsetDays: number }[];
  refundFen?: number;
  refundedAt?: Date;
};

function demoRows(now: Date): Row[] {
  const day = 24 * 60;
  return [
    { status: "posted", n: 1, service: "hukou", payer: "张三", dueFen: 2500, paidFen: 2500, channel: "wechat", paidAt: minutes(now, -3 * day), billing: "paid", lines: [{ amountFen: 2500, valueDateOffsetDays: -2 }] },
    { status: "pending", n: 2, service: "medical_insurance", payer: "李四", dueFen: 38000, paidFen: 38000, channel: "online_bank", paidAt: minutes(now, -2), billing: "paid" },
    { status: "awaiting_bank", n: 3, service: "medical_insurance", payer: "王五", dueFen: 38000, paidFen: 38000, channel: "pos", paidAt: minutes(now, -1), billing: "sent_to_bank" },
    { status: "overdue", n: 4, service: "tax", payer: "赵六", dueFen: 123450, paidFen: 123450, channel: "online_bank", paidAt: minutes(now, -20 * day), billing: "paid" },
    { status: "amount_mismatch", n: 5, service: "hukou", payer: "孙七", dueFen: 2500, paidFen: 2000, channel: "alipay", paidAt: minutes(now, -4 * day), billing: "paid", lines: [{ amountFen: 2000, valueDateOffsetDays: -3 }] },
    { status: "duplicate", n: 6, service: "hukou", payer: "周八", dueFen: 2500, paidFen: 2500, channel: "counter", paidAt: minutes(now, -5 * day), billing: "paid", lines: [{ amountFen: 2500, valueDateOffsetDays: -4 }, { amountFen: 2500, valueDateOffsetDays: -3 }] },
    { status: "refund_pending", n: 7, service: "other", payer: "吴九", dueFen: 5000, paidFen: 5000, channel: "wechat", paidAt: minutes(now, -6 * day), billing: "refund_pending", refundFen: 5000 },
    { status: "refunded", n: 8, service: "other", payer: "Jane Smith", dueFen: 5000, paidFen: 5000, channel: "alipay", paidAt: minutes(now, -12 * day), billing: "refunded", refundFen: 5000, refundedAt: minutes(now, -2 * day) },
    { status: "unpaid", n: 9, service: "tax", payer: "郑十", dueFen: 8800, paidFen: null, channel: "counter", paidAt: null, billing: "unpaid" },
    { status: "voided", n: 10, service: "hukou", payer: "钱十一", dueFen: 2500, paidFen: 2500, channel: "cash", paidAt: minutes(now, -8 * day), billing: "voided" },
  ];
}

/** Not in the store on purpose: reachable only through its signed QR link (status not_found). */
export const DEMO_NOT_FOUND_RECEIPT = DEMO_RECEIPT_NUMBERS.not_found.receiptNo;

export function demoReceipts(now = new Date()): DemoReceipt[] {
  return [
    ...demoRows(now).map((r) => ({ status: r.status, receiptNo: no(r.n), amount: ((r.paidFen ?? r.dueFen) / 100).toFixed(2) })),
    { status: "not_found" as const, receiptNo: DEMO_NOT_FOUND_RECEIPT, amount: "" },
  ];
}

export async function seedDemo(db: Db, options: { now?: Date; timeZone?: string } = {}): Promise<DemoReceipt[]> {
  const now = options.now ?? new Date();
  const timeZone = options.timeZone ?? "Asia/Shanghai";
  const today = zonedParts(now, timeZone).date;
  const rows = demoRows(now);
  const numbers = rows.map((r) => no(r.n));

  await db.transaction(async (tx) => {
    const existing = await tx.select({ id: receipts.id }).from(receipts).where(inArray(receipts.receiptNo, numbers));
    if (existing.length > 0) {
      await tx.delete(matches).where(inArray(matches.receiptId, existing.map((e) => e.id)));
    }
    const [oldBatch] = await tx.select({ id: settlementBatches.id }).from(settlementBatches).where(eq(settlementBatches.fileHash, DEMO_BATCH_HASH));
    if (oldBatch) {
      await tx.delete(settlementLines).where(eq(settlementLines.batchId, oldBatch.id));
      await tx.delete(settlementBatches).where(eq(settlementBatches.id, oldBatch.id));
    }
    if (existing.length > 0) await tx.delete(receipts).where(inArray(receipts.receiptNo, numbers));

    await tx.delete(feeSchedules).where(eq(feeSchedules.service, "hukou"));
    await tx.insert(feeSchedules).values([
      { service: "hukou", amountFen: 2000, effectiveFrom: "2024-01-01", effectiveTo: "2026-07-01" },
      { service: "hukou", amountFen: 2500, effectiveFrom: "2026-07-01", effectiveTo: null },
    ]);

    const inserted = await tx
      .insert(receipts)
      .values(
        rows.map((r) => ({
          receiptNo: no(r.n),
          service: r.service,
          payerName: r.payer,
          payerPhone: `1380000${String(r.n).padStart(4, "0")}`,
          amountDueFen: r.dueFen,
          amountPaidFen: r.paidFen,
          channel: r.channel,
          paidAt: r.paidAt,
          bankRef: r.paidAt ? `DEMO-REF-${r.n}` : null,
          billingStatus: r.billing,
          refundAmountFen: r.refundFen ?? null,
          refundedAt: r.refundedAt ?? null,
        })),
      )
      .returning({ id: receipts.id, receiptNo: receipts.receiptNo });
    const idOf = new Map(inserted.map((r) => [r.receiptNo, r.id]));

    const [batch] = await tx
      .insert(settlementBatches)
      .values({ fileHash: DEMO_BATCH_HASH, fileName: "demo", format: "demo" })
      .returning({ id: settlementBatches.id });
    for (const r of rows) {
      for (const [i, l] of (r.lines ?? []).entries()) {
        const [line] = await tx
          .insert(settlementLines)
          .values({
            batchId: batch!.id,
            lineKey: `demo:${r.n}:${i}`,
            bankRef: i === 0 ? `DEMO-REF-${r.n}` : `DEMO-REF-${r.n}-${i}`,
            amountFen: l.amountFen,
            valueDate: addDays(today, l.valueDateOffsetDays),
            channel: r.channel,
            payerAccount: "6222********1234",
            remittance: `缴费 ${no(r.n)}`,
          })
          .returning({ id: settlementLines.id });
        await tx.insert(matches).values({ settlementLineId: line!.id, receiptId: idOf.get(no(r.n))!, method: i === 0 ? "reference" : "remittance" });
      }
    }
  });
  return demoReceipts(now);
}
