import { createHmac } from "node:crypto";
import { DEMO_RECEIPT_NUMBERS } from "@/db/seed/demo-receipts";
import { E2E_SECRETS } from "../playwright.config";

export { DEMO_RECEIPT_NUMBERS as demo };

/** The SPEC §3.2 token, computed independently of the app's own code. */
export function tokenFor(receiptNo: string, secret = E2E_SECRETS.RECEIPT_LINK_SECRET): string {
  return createHmac("sha256", secret).update(`r1:${receiptNo}`).digest("base64url").slice(0, 22);
}

export const qrPath = (receiptNo: string) => `/r/${receiptNo}?t=${tokenFor(receiptNo)}`;

/** A 1×1 PNG: a real image the server will decode and re-encode. */
export const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==", "base64");

/** SPEC §2.3: the demo receipt's status, the category reported, whether proof is needed → queue and ticket status. */
export const ROUTING_ROWS: [status: keyof typeof DEMO_RECEIPT_NUMBERS, category: string, proof: boolean, queue: string, ticketStatus: string][] = [
  ["overdue", "not_posted", false, "bank_liaison", "open"],
  ["pending", "not_posted", false, "bank_liaison", "waiting_on_settlement"],
  ["amount_mismatch", "wrong_amount", false, "finance", "open"],
  ["duplicate", "duplicate_charge", false, "refunds", "open"],
  ["refund_pending", "other", false, "refunds", "open"],
  ["refunded", "other", false, "refunds", "open"],
  ["voided", "other", false, "finance", "open"],
  ["unpaid", "not_posted", true, "data_entry", "open"],
  ["not_found", "not_posted", true, "data_entry", "open"],
  ["posted", "invoice_missing", false, "invoices", "open"],
  ["posted", "info_change", false, "records", "open"],
];
