import { z } from "zod";
import { MAX_FEN } from "./money";
import { checkReceiptNo, type ReceiptFormat } from "./receipt-number";
import { instantField, textField } from "./statements/fields";
import type { ReceiptRecord } from "./statements/types";
import { BILLING_STATUSES } from "./status";

/**
 * The JSON body of POST /api/v1/receipts (the billing system's push): one
 * receipt, or `{ "receipts": [...] }` with up to MAX_PUSH. Field names are the
 * receipts CSV's (SPEC §3.4); amounts are integer fen, as everywhere in the
 * API. Errors name the item and field with a code, never echo the value
 * (payer names and phones are personal data).
 */

export const MAX_PUSH = 500;

export type PushFieldError = { index: number; field: string; code: string };

const fen = z.number().int().min(0).max(MAX_FEN);
const ZPushedReceipt = z.object({
  receipt_no: z.string().min(1).max(100),
  service: z.string().regex(/^[a-z][a-z0-9_]{0,39}$/),
  payer_name: z.string().trim().min(1).max(200),
  payer_phone: z.string().max(40).nullish(),
  amount_due_fen: fen,
  amount_paid_fen: fen.nullish(),
  channel: z.string().regex(/^[a-z][a-z0-9_]{0,39}$/),
  paid_at: z.string().max(40).nullish(),
  bank_ref: z.string().max(100).nullish(),
  billing_status: z.enum(BILLING_STATUSES),
});

export function parseReceiptPush(body: unknown, format: ReceiptFormat): { ok: true; records: ReceiptRecord[] } | { ok: false; errors: PushFieldError[] } {
  const batch = typeof body === "object" && body !== null && "receipts" in body;
  const items: unknown = batch ? body.receipts : body;
  if (batch && !Array.isArray(items)) return { ok: false, errors: [{ index: -1, field: "receipts", code: "invalid_type" }] };
  const list = batch ? (items as unknown[]) : [items];
  if (list.length === 0) return { ok: false, errors: [{ index: -1, field: "receipts", code: "too_small" }] };
  if (list.length > MAX_PUSH) return { ok: false, errors: [{ index: -1, field: "receipts", code: "too_big" }] };

  const errors: PushFieldError[] = [];
  const records: ReceiptRecord[] = [];
  const seen = new Set<string>();
  list.forEach((item, index) => {
    const parsed = ZPushedReceipt.safeParse(item);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) errors.push({ index, field: String(issue.path[0] ?? "receipt"), code: issue.code });
      return;
    }
    const r = parsed.data;
    const checked = checkReceiptNo(r.receipt_no, format);
    if (!checked.ok) errors.push({ index, field: "receipt_no", code: checked.code });
    else if (seen.has(checked.receiptNo)) errors.push({ index, field: "receipt_no", code: "duplicate_in_batch" });
    else seen.add(checked.receiptNo);
    const paidAt = r.paid_at ? instantField("paid_at", r.paid_at) : null;
    if (paidAt && !paidAt.ok) errors.push({ index, field: "paid_at", code: "invalid_format" });
    if (!checked.ok || (paidAt && !paidAt.ok)) return;
    records.push({
      receiptNo: checked.receiptNo,
      service: r.service,
      payerName: textField(r.payer_name, 200)!,
      payerPhone: textField(r.payer_phone ?? undefined, 40),
      amountDueFen: r.amount_due_fen,
      amountPaidFen: r.amount_paid_fen ?? null,
      channel: r.channel,
      paidAt: paidAt?.ok ? paidAt.value : null,
      bankRef: textField(r.bank_ref ?? undefined, 100),
      billingStatus: r.billing_status,
    });
  });
  return errors.length > 0 ? { ok: false, errors } : { ok: true, records };
}
