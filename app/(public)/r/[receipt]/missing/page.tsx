import { randomBytes } from "node:crypto";
import { notFound } from "next/navigation";
import { TicketForm } from "@/components/tickets/ticket-form";
import { ticketTexts } from "@/components/tickets/ticket-texts";
import { env } from "@/lib/env";
import { fill } from "@/lib/i18n/fill";
import { checkReceiptNo } from "@/lib/receipt-number";
import { requestLocale } from "@/app/locale";
import { reportMissingReceiptAction } from "../../../ticket-actions";

type Props = { params: Promise<{ receipt: string }> };

/**
 * The lookup's "still can't find it?" (issue 18): a missing payment record reported with proof, open to
 * anyone who typed a well-formed number. It reads nothing about the receipt, so it looks the same whether
 * the receipt is unknown or the amount was wrong.
 */
export default async function ReportMissingReceiptPage({ params }: Props) {
  const [{ receipt }, { t }] = await Promise.all([params, requestLocale()]);
  const checked = checkReceiptNo(receipt, env().receiptFormat);
  if (!checked.ok) notFound();
  const m = t.resident.missing;
  return (
    <>
      <h1 className="mb-3 text-3xl font-bold">{m.title}</h1>
      <p className="mb-2 text-lg">{m.intro}</p>
      <p className="mb-6 break-all text-base text-gray-700">{fill(m.receiptLine, { receipt: checked.receiptNo })}</p>
      <TicketForm
        action={reportMissingReceiptAction}
        texts={ticketTexts(t)}
        receiptNo={checked.receiptNo}
        idempotencyKey={randomBytes(16).toString("base64url")}
        fixedCategory="not_posted"
        proofRequired
        descriptionHint={m.descriptionHint}
      />
    </>
  );
}
