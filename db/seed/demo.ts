import { inArray, eq, or, sql } from "drizzle-orm";
import { addDays, zonedParts } from "@/lib/dates";
import type { BillingStatus, StatusCode } from "@/lib/status";
import type { Db, Tx } from "../client";
import { demoReceiptNo as no, DEMO_BATCH_RECEIPTS, DEMO_RECEIPT_NUMBERS } from "./demo-receipts";
import { channelBatches, channelBatchMembers, feeRules, feeSchedules, matches, postingSubscriptions, receipts, settlementBatches, settlementLines } from "../schema";
import { feeFor } from "@/lib/fees";

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
      await tx.delete(postingSubscriptions).where(inArray(postingSubscriptions.receiptId, existing.map((e) => e.id)));
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
    await seedBackOfficeDemo(tx, now, today);
    await seedChannelDemo(tx, now);
    await seedSettledDemo(tx, now, today, options.timeZone ?? "Asia/Shanghai");
    await seedProofDemo(tx, now, today);
    await seedBatchDemo(tx, now, today);
  });
  return demoReceipts(now);
}

/**
 * Receipts for the back office (corrections, exceptions, incidents), apart
 * from the one-per-status receipts above so that trying a refund or an
 * incident never changes what those show. Re-running resets them in place
 * (tickets and corrections may point at them) and leaves anything else alone.
 */
export const DEMO_BACK_OFFICE = {
  /** Paid twice (status duplicate): a refund to prepare and approve. */
  refund: { receiptNo: no(21), amount: "25.00" },
  /** Paid, never settled; two unmatched statement lines of its amount, channel and dates (exceptions with a candidate). */
  exception: { receiptNo: no(22), amount: "66.00", amountFen: 6600, lineRefs: ["DEMO-EXC-1", "DEMO-EXC-2"] },
  /** Paid in cash ten days ago, not settled (status overdue): the channel an incident can be declared on. */
  incident: { receiptNo: no(23), amount: "150.00", channel: "cash" },
  /** Issue 16: paid ¥300.00 by WeChat Pay (fee rule 0.6 %: ¥298.20 expected), credited ¥298.00 — an exception that shows the difference. */
  feeShort: { receiptNo: no(27), amount: "300.00", amountFen: 30000, creditFen: 29800, lineRef: "DEMO-FEE-SHORT" },
} as const;

const BACK_OFFICE_BATCH_HASH = "demo-seed-back-office";

async function seedBackOfficeDemo(tx: Tx, now: Date, today: string) {
  const day = 24 * 60;
  const rows = [
    { receiptNo: DEMO_BACK_OFFICE.refund.receiptNo, service: "hukou", payerName: "冯十二", amountDueFen: 2500, channel: "wechat", paidAt: minutes(now, -5 * day) },
    { receiptNo: DEMO_BACK_OFFICE.exception.receiptNo, service: "tax", payerName: "陈十三", amountDueFen: 6600, channel: "alipay", paidAt: minutes(now, -6 * day) },
    { receiptNo: DEMO_BACK_OFFICE.incident.receiptNo, service: "medical_insurance", payerName: "褚十四", amountDueFen: 15000, channel: "cash", paidAt: minutes(now, -10 * day) },
    { receiptNo: DEMO_BACK_OFFICE.feeShort.receiptNo, service: "hukou", payerName: "沈二十七", amountDueFen: DEMO_BACK_OFFICE.feeShort.amountFen, channel: "wechat", paidAt: minutes(now, -3 * day) },
  ];
  const ids: number[] = [];
  for (const [i, r] of rows.entries()) {
    const values = { ...r, payerPhone: `1390000${String(21 + i).padStart(4, "0")}`, amountPaidFen: r.amountDueFen, bankRef: null, billingStatus: "paid" as const, refundAmountFen: null, refundedAt: null, updatedAt: now };
    const [row] = await tx.insert(receipts).values(values).onConflictDoUpdate({ target: receipts.receiptNo, set: values }).returning({ id: receipts.id });
    ids.push(row!.id);
  }
  const [batch] = await tx
    .insert(settlementBatches)
    .values({ fileHash: BACK_OFFICE_BATCH_HASH, fileName: "demo-back-office", format: "demo" })
    .onConflictDoUpdate({ target: settlementBatches.fileHash, set: { fileName: "demo-back-office" } })
    .returning({ id: settlementBatches.id });
  const batchLines = tx.select({ id: settlementLines.id }).from(settlementLines).where(eq(settlementLines.batchId, batch!.id));
  await tx.delete(matches).where(or(inArray(matches.receiptId, ids), inArray(matches.settlementLineId, batchLines)));
  await tx.delete(settlementLines).where(eq(settlementLines.batchId, batch!.id));

  const line = (key: string, bankRef: string, amountFen: number, offsetDays: number, channel: string, remittance: string) => ({
    batchId: batch!.id, lineKey: `demo-back-office:${key}`, bankRef, amountFen, valueDate: addDays(today, offsetDays), channel, payerAccount: "6222********5678", remittance,
  });
  const duplicateLines = await tx
    .insert(settlementLines)
    .values([line("refund-1", "DEMO-REF-21", 2500, -4, "wechat", `缴费 ${DEMO_BACK_OFFICE.refund.receiptNo}`), line("refund-2", "DEMO-REF-21-1", 2500, -3, "wechat", `缴费 ${DEMO_BACK_OFFICE.refund.receiptNo}`)])
    .returning({ id: settlementLines.id });
  // Both lines name the receipt in their text (it has no bank reference): matching itself makes these two matches.
  await tx.insert(matches).values(duplicateLines.map((l) => ({ settlementLineId: l.id, receiptId: ids[0]!, method: "remittance" as const })));
  // Two lines for one receipt: amount-and-date matching needs a unique pair, so both stay exceptions until a clerk decides.
  await tx.insert(settlementLines).values(DEMO_BACK_OFFICE.exception.lineRefs.map((ref, i) => line(`exception-${i}`, ref, 6600, -5, "alipay", "转账")));
  // Short by more than the fee rule explains: the matcher leaves it, the exceptions page shows the difference.
  await tx.insert(settlementLines).values(line("fee-short", DEMO_BACK_OFFICE.feeShort.lineRef, DEMO_BACK_OFFICE.feeShort.creditFen, -2, "wechat", "微信支付结算"));
}

/**
 * Receipts for channel notifications (issue 14), apart from the one-per-status ones: paid by WeChat Pay
 * and at a POS terminal two minutes before the demo started, not settled (pending). A signed notification
 * (`npm run channel -- keys` for test keys) confirms them; a statement line posts them.
 */
export const DEMO_CHANNELS = {
  wechat: { receiptNo: no(24), amount: "380.00", amountFen: 38000 },
  pos: { receiptNo: no(25), amount: "150.00", amountFen: 15000 },
} as const;

async function seedChannelDemo(tx: Tx, now: Date) {
  const rows = [
    { receiptNo: DEMO_CHANNELS.wechat.receiptNo, service: "medical_insurance", payerName: "卫十五", amountDueFen: DEMO_CHANNELS.wechat.amountFen, channel: "wechat" },
    { receiptNo: DEMO_CHANNELS.pos.receiptNo, service: "hukou", payerName: "蒋十六", amountDueFen: DEMO_CHANNELS.pos.amountFen, channel: "pos" },
  ];
  for (const r of rows) {
    const values = { ...r, payerPhone: null, amountPaidFen: r.amountDueFen, paidAt: minutes(now, -2), bankRef: null, billingStatus: "paid" as const, refundAmountFen: null, refundedAt: null, updatedAt: now };
    const [row] = await tx.insert(receipts).values(values).onConflictDoUpdate({ target: receipts.receiptNo, set: values }).returning({ id: receipts.id });
    await tx.delete(matches).where(eq(matches.receiptId, row!.id));
    await tx.delete(postingSubscriptions).where(eq(postingSubscriptions.receiptId, row!.id));
  }
}

/**
 * Issue 16 and issue 18 item 2: a receipt paid in two parts that fall short (amount_mismatch, the part
 * still missing shown), and a receipt paid twice whose refunds case matching opened by itself.
 */
export const DEMO_SETTLED = {
  partial: { receiptNo: no(71), amount: "380.00", amountFen: 38000, partsFen: [20000, 10000] },
  paidTwice: { receiptNo: no(72), amount: "25.00", amountFen: 2500 },
} as const;
const SETTLED_BATCH_HASH = "demo-settled";

async function seedSettledDemo(tx: Tx, now: Date, today: string, timeZone: string) {
  const rows = [
    { receiptNo: DEMO_SETTLED.partial.receiptNo, service: "medical_insurance", payerName: "沈十七", amountDueFen: DEMO_SETTLED.partial.amountFen, channel: "online_bank", paidAt: minutes(now, -6 * 24 * 60) },
    { receiptNo: DEMO_SETTLED.paidTwice.receiptNo, service: "hukou", payerName: "韩十八", amountDueFen: DEMO_SETTLED.paidTwice.amountFen, channel: "wechat", paidAt: minutes(now, -5 * 24 * 60) },
  ];
  const ids: number[] = [];
  for (const r of rows) {
    const values = { ...r, payerPhone: null, amountPaidFen: r.amountDueFen, bankRef: null, billingStatus: "paid" as const, refundAmountFen: null, refundedAt: null, updatedAt: now };
    const [row] = await tx.insert(receipts).values(values).onConflictDoUpdate({ target: receipts.receiptNo, set: values }).returning({ id: receipts.id });
    ids.push(row!.id);
  }
  const [batch] = await tx
    .insert(settlementBatches)
    .values({ fileHash: SETTLED_BATCH_HASH, fileName: "demo-settled", format: "demo" })
    .onConflictDoUpdate({ target: settlementBatches.fileHash, set: { fileName: "demo-settled" } })
    .returning({ id: settlementBatches.id });
  const batchLines = tx.select({ id: settlementLines.id }).from(settlementLines).where(eq(settlementLines.batchId, batch!.id));
  await tx.delete(matches).where(or(inArray(matches.receiptId, ids), inArray(matches.settlementLineId, batchLines)));
  await tx.delete(settlementLines).where(eq(settlementLines.batchId, batch!.id));
  const line = (key: string, amountFen: number, offsetDays: number, channel: string, receiptNo: string) => ({
    batchId: batch!.id, lineKey: `demo-settled:${key}`, bankRef: null, amountFen, valueDate: addDays(today, offsetDays), channel, payerAccount: "6222********4321", remittance: `缴费 ${receiptNo}`,
  });
  const [p1, p2, d1, d2] = await tx
    .insert(settlementLines)
    .values([
      line("part-1", DEMO_SETTLED.partial.partsFen[0], -4, "online_bank", DEMO_SETTLED.partial.receiptNo),
      line("part-2", DEMO_SETTLED.partial.partsFen[1], -2, "online_bank", DEMO_SETTLED.partial.receiptNo),
      line("twice-1", 2500, -4, "wechat", DEMO_SETTLED.paidTwice.receiptNo),
      line("twice-2", 2500, -3, "wechat", DEMO_SETTLED.paidTwice.receiptNo),
    ])
    .returning({ id: settlementLines.id });
  await tx.insert(matches).values([
    { settlementLineId: p1!.id, receiptId: ids[0]!, method: "remittance" },
    { settlementLineId: p2!.id, receiptId: ids[0]!, method: "remittance" },
    { settlementLineId: d1!.id, receiptId: ids[1]!, method: "remittance" },
    { settlementLineId: d2!.id, receiptId: ids[1]!, method: "remittance" },
  ]);
  // As matching does after a run: the receipt paid twice gets its refunds case (once, whatever the re-runs).
  // Imported here, not at the top: browser specs read this module's constants, and the matcher is server-only.
  const { creditTotals, openRefundCases } = await import("../import/match-refunds");
  await openRefundCases(tx, { timeZone, now, totals: creditTotals(sql`select ${ids[1]!}::bigint`) });
}

/**
 * Proof reading (issue 15): an unpaid receipt and, on a statement, an
 * unmatched WeChat Pay line of its amount whose reference is the transaction
 * number printed on the resident's slip. Nothing links them until a clerk
 * confirms the match the reading proposes.
 */
export const DEMO_PROOF = { receiptNo: no(36), amount: "128.00", amountFen: 12800, transactionId: "4200002026120312800000003636" } as const;

const PROOF_BATCH_HASH = "demo-seed-proof";

async function seedProofDemo(tx: Tx, now: Date, today: string) {
  const values = {
    receiptNo: DEMO_PROOF.receiptNo, service: "tax", payerName: "沈十七", payerPhone: null, amountDueFen: DEMO_PROOF.amountFen, amountPaidFen: null,
    channel: "wechat", paidAt: null, bankRef: null, billingStatus: "unpaid" as const, refundAmountFen: null, refundedAt: null, updatedAt: now,
  };
  const [receipt] = await tx.insert(receipts).values(values).onConflictDoUpdate({ target: receipts.receiptNo, set: values }).returning({ id: receipts.id });
  const [batch] = await tx
    .insert(settlementBatches)
    .values({ fileHash: PROOF_BATCH_HASH, fileName: "demo-proof", format: "demo" })
    .onConflictDoUpdate({ target: settlementBatches.fileHash, set: { fileName: "demo-proof" } })
    .returning({ id: settlementBatches.id });
  const batchLines = tx.select({ id: settlementLines.id }).from(settlementLines).where(eq(settlementLines.batchId, batch!.id));
  await tx.delete(matches).where(or(eq(matches.receiptId, receipt!.id), inArray(matches.settlementLineId, batchLines)));
  await tx.delete(settlementLines).where(eq(settlementLines.batchId, batch!.id));
  await tx.insert(settlementLines).values({
    batchId: batch!.id, lineKey: "demo-proof:1", bankRef: DEMO_PROOF.transactionId, amountFen: DEMO_PROOF.amountFen, valueDate: addDays(today, -1),
    channel: "wechat", payerAccount: null, remittance: "微信支付 商户结算",
  });
}


/**
 * Fees and POS batches (issue 16): demo fee rules (POS 0.6 % per transaction, at least ¥0.01 and at
 * most ¥50; WeChat Pay and Alipay 0.6 %), and one terminal's day — three card payments two days ago —
 * paid by one bank credit yesterday, net of the acquirer's fee. Each receipt shows `posted` with
 * "settled in the terminal batch of …; bank credit on …".
 */
export const DEMO_BATCH = {
  terminalId: "DEMO0001",
  receipts: DEMO_BATCH_RECEIPTS,
} as const;
export const DEMO_FEE_RULES = [
  { channel: "pos", rate: 60, rateUnit: "bp" as const, rounding: "half_up" as const, minFen: 1, maxFen: 5000, appliesTo: "transaction" as const, toleranceFen: 0, effectiveFrom: "2026-01-01", effectiveTo: null },
  { channel: "wechat", rate: 60, rateUnit: "bp" as const, rounding: "half_up" as const, minFen: null, maxFen: null, appliesTo: "transaction" as const, toleranceFen: 0, effectiveFrom: "2026-01-01", effectiveTo: null },
  { channel: "alipay", rate: 60, rateUnit: "bp" as const, rounding: "half_up" as const, minFen: null, maxFen: null, appliesTo: "transaction" as const, toleranceFen: 0, effectiveFrom: "2026-01-01", effectiveTo: null },
];
const BATCH_DEMO_HASH = "demo-seed-batch";

async function seedBatchDemo(tx: Tx, now: Date, today: string) {
  await tx.insert(feeRules).values(DEMO_FEE_RULES.map((r) => ({ ...r, createdBy: "demo" }))).onConflictDoNothing();
  const batchDate = addDays(today, -2);
  const ids: number[] = [];
  for (const [i, r] of DEMO_BATCH.receipts.entries()) {
    const values = {
      receiptNo: r.receiptNo, service: "hukou", payerName: r.payerName, payerPhone: null, amountDueFen: r.amountFen, amountPaidFen: r.amountFen, channel: "pos",
      paidAt: new Date(`${batchDate}T${String(9 + 3 * i).padStart(2, "0")}:15:00+08:00`), bankRef: null, terminalId: DEMO_BATCH.terminalId,
      billingStatus: "paid" as const, refundAmountFen: null, refundedAt: null, updatedAt: now,
    };
    const [row] = await tx.insert(receipts).values(values).onConflictDoUpdate({ target: receipts.receiptNo, set: values }).returning({ id: receipts.id });
    ids.push(row!.id);
  }
  const [file] = await tx
    .insert(settlementBatches)
    .values({ fileHash: BATCH_DEMO_HASH, fileName: "demo-batch", format: "demo" })
    .onConflictDoUpdate({ target: settlementBatches.fileHash, set: { fileName: "demo-batch" } })
    .returning({ id: settlementBatches.id });
  // Re-seeding replaces the demo batch (its match, members and credit) and nothing else.
  const old = await tx.select({ id: channelBatchMembers.batchId }).from(channelBatchMembers).where(inArray(channelBatchMembers.receiptId, ids));
  const oldIds = old.map((o) => o.id);
  const batchLines = tx.select({ id: settlementLines.id }).from(settlementLines).where(eq(settlementLines.batchId, file!.id));
  await tx.delete(matches).where(or(inArray(matches.receiptId, ids), inArray(matches.settlementLineId, batchLines), oldIds.length > 0 ? inArray(matches.batchId, oldIds) : undefined));
  if (oldIds.length > 0) {
    await tx.delete(channelBatchMembers).where(inArray(channelBatchMembers.batchId, oldIds));
    await tx.delete(channelBatches).where(inArray(channelBatches.id, oldIds));
  }
  await tx.delete(settlementLines).where(eq(settlementLines.batchId, file!.id));

  const rule = DEMO_FEE_RULES[0]!;
  const fees = DEMO_BATCH.receipts.map((r) => feeFor(r.amountFen, rule));
  const gross = DEMO_BATCH.receipts.reduce((s, r) => s + r.amountFen, 0);
  const fee = fees.reduce((s, f) => s + f, 0);
  const [credit] = await tx
    .insert(settlementLines)
    .values({
      batchId: file!.id, lineKey: "demo-batch:1", bankRef: "DEMO-POS-BATCH-1", amountFen: gross - fee, valueDate: addDays(today, -1), channel: "pos", payerAccount: null,
      remittance: `银联POS清算 终端号${DEMO_BATCH.terminalId} ${batchDate.replaceAll("-", "")}`,
    })
    .returning({ id: settlementLines.id });
  const [batch] = await tx
    .insert(channelBatches)
    .values({ channel: "pos", terminalId: DEMO_BATCH.terminalId, batchDate, source: "sum", grossFen: gross, feeFen: fee, netFen: gross - fee, memberCount: ids.length, settlementLineId: credit!.id })
    .onConflictDoNothing()
    .returning({ id: channelBatches.id });
  if (!batch) return;
  await tx.insert(channelBatchMembers).values(ids.map((id, i) => ({ batchId: batch.id, receiptId: id, grossFen: DEMO_BATCH.receipts[i]!.amountFen, feeFen: fees[i]! })));
  await tx.insert(matches).values({ settlementLineId: credit!.id, batchId: batch.id, method: "batch", grossFen: gross, feeFen: fee });
}
