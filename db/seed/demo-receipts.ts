import { withLuhnDigit } from "@/lib/receipt-number";
import type { StatusCode } from "@/lib/status";

/** The demo receipt numbers, one per status (kept apart from the seeding so browser tests can import them). */
export const demoReceiptNo = (n: number) => withLuhnDigit(`2026110000000${String(n).padStart(2, "0")}`);

export const DEMO_RECEIPT_NUMBERS: Record<StatusCode, { receiptNo: string; amount: string }> = {
  posted: { receiptNo: demoReceiptNo(1), amount: "25.00" },
  pending: { receiptNo: demoReceiptNo(2), amount: "380.00" },
  awaiting_bank: { receiptNo: demoReceiptNo(3), amount: "380.00" },
  overdue: { receiptNo: demoReceiptNo(4), amount: "1234.50" },
  amount_mismatch: { receiptNo: demoReceiptNo(5), amount: "20.00" },
  duplicate: { receiptNo: demoReceiptNo(6), amount: "25.00" },
  refund_pending: { receiptNo: demoReceiptNo(7), amount: "50.00" },
  refunded: { receiptNo: demoReceiptNo(8), amount: "50.00" },
  unpaid: { receiptNo: demoReceiptNo(9), amount: "88.00" },
  voided: { receiptNo: demoReceiptNo(10), amount: "25.00" },
  not_found: { receiptNo: demoReceiptNo(99), amount: "" },
};

/** Issue 18: the receipts the demo's seeded tickets are on (db/seed/demo-tickets.ts), one per queue and two with proofs; no browser test reports on them. */
export const DEMO_TICKET_RECEIPTS = {
  bankLiaison: demoReceiptNo(41),
  finance: demoReceiptNo(42),
  refunds: demoReceiptNo(43),
  imageProof: demoReceiptNo(44),
  pdfProof: demoReceiptNo(45),
  records: demoReceiptNo(46),
  invoices: demoReceiptNo(47),
} as const;

/** A POS terminal's day paid by one bank credit net of the acquirer's fee (issue 16; seeded in demo.ts). */
export const DEMO_BATCH_RECEIPTS = [
  { receiptNo: demoReceiptNo(61), amount: "150.00", amountFen: 15000, payerName: "韩十八" },
  { receiptNo: demoReceiptNo(62), amount: "38.00", amountFen: 3800, payerName: "杨十九" },
  { receiptNo: demoReceiptNo(63), amount: "1234.50", amountFen: 123450, payerName: "朱二十" },
] as const;
