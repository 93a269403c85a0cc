import type { Locale, Messages } from "@/lib/i18n";
import { formatDateTime } from "@/lib/i18n/format";
import { formatFen } from "@/lib/money";
import type { BillingStatus } from "@/lib/status";

type Facts = {
  receiptNo: string;
  billingStatus: BillingStatus;
  amountDueFen: number;
  amountPaidFen: number | null;
  channel?: string | null;
  paidAt?: Date | null;
  bankRef?: string | null;
  settledFen?: number;
};

/** The receipt as the billing system and the bank see it, for deciding a correction. */
export function ReceiptFacts({ receipt, t, locale, timeZone }: { receipt: Facts; t: Messages; locale: Locale; timeZone: string }) {
  const c = t.backOffice.corrections;
  const rows: [string, string, string?][] = [
    [c.receipt, receipt.receiptNo],
    [c.billingStatus, t.backOffice.billing[receipt.billingStatus], receipt.billingStatus],
    [c.amountDue, formatFen(receipt.amountDueFen)],
    [c.amountPaid, receipt.amountPaidFen === null ? "—" : formatFen(receipt.amountPaidFen)],
  ];
  if (receipt.settledFen !== undefined) rows.push([c.settled, formatFen(receipt.settledFen)]);
  if (receipt.channel !== undefined) rows.push([c.channel, receipt.channel ?? "—"]);
  if (receipt.paidAt !== undefined) rows.push([c.paidAt, receipt.paidAt ? formatDateTime(receipt.paidAt, locale, timeZone) : "—"]);
  if (receipt.bankRef !== undefined) rows.push([c.bankRef, receipt.bankRef ?? "—"]);
  return (
    <dl className="mb-6 grid grid-cols-[max-content_1fr] gap-x-6 gap-y-1">
      {rows.map(([label, value, code]) => (
        <div key={label} className="contents">
          <dt className="font-semibold">{label}</dt>
          <dd data-billing-status={code}>{value}</dd>
        </div>
      ))}
    </dl>
  );
}
