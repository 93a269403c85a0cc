import { randomBytes } from "node:crypto";
import { notFound, redirect } from "next/navigation";
import { TicketForm } from "@/components/tickets/ticket-form";
import { ticketTexts } from "@/components/tickets/ticket-texts";
import { Notice } from "@/components/ui/notice";
import { publicStatus } from "@/db/queries/status";
import { env } from "@/lib/env";
import { fill } from "@/lib/i18n/fill";
import { checkReceiptNo } from "@/lib/receipt-number";
import { requestLocale } from "@/app/locale";
import { receiptAccess } from "../../../receipt-access";
import { openTicketAction } from "../../../ticket-actions";

type Props = { params: Promise<{ receipt: string }>; searchParams: Promise<{ t?: string | string[] }> };

export default async function ReportProblemPage({ params, searchParams }: Props) {
  const [{ receipt }, query, { t }] = await Promise.all([params, searchParams, requestLocale()]);
  const config = env();
  const checked = checkReceiptNo(receipt, config.receiptFormat);
  if (!checked.ok) notFound();
  const token = typeof query.t === "string" ? query.t : undefined;
  const access = await receiptAccess(checked.receiptNo, token);
  if (!access.viaToken && !access.viaLookup) redirect(`/r/${checked.receiptNo}`);

  const current = await publicStatus(checked.receiptNo, { now: new Date(), timeZone: config.TZ });
  const status = current?.status ?? { code: "not_found" as const };
  if (status.code === "awaiting_bank") {
    return (
      <>
        <h1 className="mb-3 text-3xl font-bold">{t.ticket.title}</h1>
        <div data-status={status.code}>
          <Notice tone="warn">{fill(t.ticket.answers.awaiting_bank, { time: status.retryAtLocal })}</Notice>
        </div>
        <a href={`/r/${checked.receiptNo}${token ? `?t=${encodeURIComponent(token)}` : ""}`} className="text-lg text-brand underline">
          {t.status.heading}
        </a>
      </>
    );
  }
  return (
    <>
      <h1 className="mb-3 text-3xl font-bold">{t.ticket.title}</h1>
      <p className="mb-2 text-lg">{t.ticket.intro}</p>
      <p className="mb-6 break-all text-base text-gray-700">{fill(t.resident.ticket.receiptLine, { receipt: checked.receiptNo })}</p>
      {status.code === "posted" && <Notice tone="ok">{t.ticket.answers.posted}</Notice>}
      {(status.code === "unpaid" || status.code === "not_found") && <Notice tone="warn">{t.ticket.errors.needsProof}</Notice>}
      <TicketForm
        action={openTicketAction}
        texts={ticketTexts(t)}
        receiptNo={checked.receiptNo}
        token={access.viaToken ? token : undefined}
        idempotencyKey={randomBytes(16).toString("base64url")}
        initialCategory={status.code === "posted" ? "invoice_missing" : ""}
        proofRequired={status.code === "unpaid" || status.code === "not_found"}
      />
    </>
  );
}
