import "server-only";
import { eq, inArray } from "drizzle-orm";
import { AppError } from "@/lib/errors";
import type { ReceiptRecord } from "@/lib/statements/types";
import type { BillingStatus } from "@/lib/status";
import { db, type Tx } from "../client";
import { channels, receipts, services } from "../schema";
import { recordAudit } from "./audit";
import { matchSettlements } from "../import/matching";
import type { StaffPrincipal } from "./staff-auth";

/**
 * The billing system's push (POST /api/v1/receipts): the same rules as the
 * receipts CSV import, one receipt at a time instead of a file. Idempotent on
 * receipt_no: sending the same receipt again changes nothing; a newer state
 * updates it; an older one (a paid receipt reported unpaid again) is ignored
 * as stale, as the import does. Admin tokens only: a push rewrites what
 * residents are told about their payment.
 */

export type PushOutcome = "inserted" | "updated" | "unchanged" | "stale";
export type PushResult = { kind: "done"; results: { receipt_no: string; outcome: PushOutcome }[] } | { kind: "unknown_codes"; errors: { index: number; field: "service" | "channel" }[] };

/** Where a receipt is in its life (same order as the CSV import's merge): it moves forward, never back. */
const LIFECYCLE: Record<BillingStatus, number> = { unpaid: 0, sent_to_bank: 1, paid: 2, refund_pending: 3, refunded: 4, voided: 4 };

export async function pushReceipts(caller: StaffPrincipal & { tokenId: number }, records: ReceiptRecord[], options: { timeZone: string }): Promise<PushResult> {
  if (caller.role !== "admin") throw new AppError("forbidden");
  try {
    return await db().transaction((tx) => pushIn(tx, caller, records, options));
  } catch (error) {
    // Two pushes raced to insert the same new receipt: the second one, retried, finds it.
    const code = (error as { code?: string; cause?: { code?: string } }).code ?? (error as { cause?: { code?: string } }).cause?.code;
    if (code !== "23505") throw error;
    return await db().transaction((tx) => pushIn(tx, caller, records, options));
  }
}

async function pushIn(tx: Tx, caller: StaffPrincipal & { tokenId: number }, records: ReceiptRecord[], options: { timeZone: string }): Promise<PushResult> {
  const [knownServices, knownChannels] = await Promise.all([
    tx.select({ code: services.code }).from(services).where(inArray(services.code, [...new Set(records.map((r) => r.service))])),
    tx.select({ code: channels.code }).from(channels).where(inArray(channels.code, [...new Set(records.map((r) => r.channel))])),
  ]);
  const serviceSet = new Set(knownServices.map((s) => s.code));
  const channelSet = new Set(knownChannels.map((c) => c.code));
  const errors = records.flatMap((r, index) => [
    ...(serviceSet.has(r.service) ? [] : [{ index, field: "service" as const }]),
    ...(channelSet.has(r.channel) ? [] : [{ index, field: "channel" as const }]),
  ]);
  if (errors.length > 0) return { kind: "unknown_codes", errors };

  const existing = await tx
    .select()
    .from(receipts)
    .where(inArray(receipts.receiptNo, records.map((r) => r.receiptNo)))
    .for("update");
  const byNo = new Map(existing.map((r) => [r.receiptNo, r]));

  const results: { receipt_no: string; outcome: PushOutcome }[] = [];
  const fresh: ReceiptRecord[] = [];
  for (const record of records) {
    const current = byNo.get(record.receiptNo);
    const values = { ...record, billingStatus: record.billingStatus as BillingStatus };
    let outcome: PushOutcome;
    if (!current) {
      fresh.push(record);
      outcome = "inserted";
    } else if (LIFECYCLE[values.billingStatus] < LIFECYCLE[current.billingStatus]) {
      outcome = "stale";
    } else if (sameReceipt(current, record)) {
      outcome = "unchanged";
    } else {
      await tx.update(receipts).set({ ...values, updatedAt: new Date() }).where(eq(receipts.id, current.id));
      outcome = "updated";
    }
    results.push({ receipt_no: record.receiptNo, outcome });
  }
  if (fresh.length > 0) await tx.insert(receipts).values(fresh.map((r) => ({ ...r, billingStatus: r.billingStatus as BillingStatus })));

  const tally = (outcome: PushOutcome) => results.filter((r) => r.outcome === outcome).length;
  await recordAudit(tx, {
    actor: `api:${caller.tokenId}`,
    action: "receipts.push",
    objectType: "receipt_batch",
    objectId: records.length === 1 ? records[0]!.receiptNo : null,
    outcome: "ok",
    detail: { staffId: caller.id, count: records.length, inserted: tally("inserted"), updated: tally("updated"), unchanged: tally("unchanged"), stale: tally("stale") },
  });
  // A settlement line may have arrived before its receipt: match now, as the import does.
  if (tally("inserted") + tally("updated") > 0) await matchSettlements({ timeZone: options.timeZone }, tx);
  return { kind: "done", results };
}

function sameReceipt(current: typeof receipts.$inferSelect, next: ReceiptRecord): boolean {
  return (
    current.service === next.service &&
    current.payerName === next.payerName &&
    current.payerPhone === next.payerPhone &&
    Number(current.amountDueFen) === next.amountDueFen &&
    (current.amountPaidFen === null ? null : Number(current.amountPaidFen)) === next.amountPaidFen &&
    current.channel === next.channel &&
    (current.paidAt?.getTime() ?? null) === (next.paidAt?.getTime() ?? null) &&
    current.bankRef === next.bankRef &&
    current.billingStatus === next.billingStatus
  );
}
