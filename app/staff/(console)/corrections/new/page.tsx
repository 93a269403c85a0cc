import { StaffForm } from "@/components/console/staff-form";
import { Select, TextArea } from "@/components/console/corrections/fields";
import { ReceiptFacts } from "@/components/console/corrections/receipt-facts";
import { VoucherPanel } from "@/components/console/corrections/voucher-panel";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { correctionTicket, ticketVouchers } from "@/db/queries/corrections";
import { unsafeProofChecksForTicket } from "@/db/queries/proof-checks";
import { reentryDefaults } from "@/lib/proofs/check";
import { channelChoices } from "@/db/queries/incidents-admin";
import { requestLocale } from "@/app/locale";
import { fill } from "@/lib/i18n";
import { env } from "@/lib/env";
import { formatFen } from "@/lib/money";
import { refundableFen, type CorrectionKind } from "@/lib/corrections";
import { TICKET_REF_PATTERN } from "@/lib/tickets";
import { backOfficeFormTexts, PageRefusal, redirectedError, RedirectedError, type SearchParams } from "../../console-page";
import { consoleStaff } from "../../guard";
import { prepareCorrectionAction } from "../actions";

export default async function NewCorrectionPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const query = await searchParams;
  const ref = typeof query.ticket === "string" && TICKET_REF_PATTERN.test(query.ticket) ? query.ticket : null;
  const [staff, { t, locale }] = await Promise.all([consoleStaff(`/staff/corrections/new${ref ? `?ticket=${ref}` : ""}`), requestLocale()]);
  const b = t.backOffice;
  const c = b.corrections;
  const ticket = ref ? await correctionTicket(staff, ref) : null;
  if (!ticket) {
    return <PageRefusal title={b.corrections.title} code={ref ? "not_found" : undefined} message={ref ? fill(c.ticketNotFound, { ref }) : c.newHint} tone={ref ? "bad" : "info"} />;
  }
  const title = fill(c.newTitle, { ref: ticket.ref });
  if (ticket.receiptId === null || ticket.receiptNo === null || ticket.billingStatus === null || ticket.amountDueFen === null) {
    return <PageRefusal title={title} code="no_receipt" message={b.errors.no_receipt} />;
  }
  const kind: CorrectionKind = query.kind === "refund" || query.kind === "reentry" ? query.kind : ticket.billingStatus === "unpaid" ? "reentry" : "refund";
  const error = redirectedError(query, t);
  // correctionTicket has checked the caller may see this ticket.
  const [vouchers, channels, proofChecks] = await Promise.all([ticketVouchers(ticket.ticketId), channelChoices(), kind === "reentry" ? unsafeProofChecksForTicket(ticket.ticketId) : []]);
  const fromProof = reentryDefaults(proofChecks);
  const tz = env().TZ;
  const texts = backOfficeFormTexts(t);
  const refundable = refundableFen({ ...ticket, billingStatus: ticket.billingStatus, amountDueFen: ticket.amountDueFen });
  return (
    <>
      <h1 className="mb-3 text-3xl font-bold">{title}</h1>
      <p className="mb-6 text-lg">{c.intro}</p>
      <RedirectedError code={error} t={t} />
      <div className="grid gap-8 lg:grid-cols-2">
        <div>
          <ReceiptFacts
            receipt={{ ...ticket, receiptNo: ticket.receiptNo, billingStatus: ticket.billingStatus, amountDueFen: ticket.amountDueFen }}
            t={t}
            locale={locale}
            timeZone={tz}
          />
          <nav aria-label={c.allKinds} className="mb-6 flex flex-wrap gap-4">
            {(["refund", "reentry"] as const).map((k) => (
              <a
                key={k}
                href={`/staff/corrections/new?ticket=${ticket.ref}&kind=${k}`}
                aria-current={k === kind ? "page" : undefined}
                className={`min-h-11 rounded-md border-2 border-gray-800 px-4 py-2 font-semibold ${k === kind ? "bg-gray-800 text-white" : ""}`}
              >
                {b.kinds[k]}
              </a>
            ))}
          </nav>
          <StaffForm action={prepareCorrectionAction} texts={texts} keepValues>
            <input type="hidden" name="ticket" value={ticket.ref} />
            <input type="hidden" name="kind" value={kind} />
            {kind === "refund" ? (
              <>
                <Field name="amount" label={c.amountLabel} hint={`${c.refundAmountHint} (${formatFen(refundable)})`} inputMode="decimal" autoComplete="off" required />
                <TextArea name="reason" label={c.reasonLabel} maxLength={500} required />
                <Field name="payeeAccount" label={c.payeeAccountLabel} hint={c.payeeAccountHint} autoComplete="off" maxLength={64} required />
              </>
            ) : (
              <>
                {fromProof && (
                  <p className="mb-4 font-semibold" data-prefilled-from-proof>
                    {t.proofChecks.prefilled}
                  </p>
                )}
                <Field name="amount" label={c.amountLabel} inputMode="decimal" autoComplete="off" required defaultValue={fromProof?.amount} />
                <Select name="channel" label={c.channel} defaultValue={ticket.channel ?? undefined} options={channels.map((ch) => ({ value: ch.code, label: locale === "en" ? ch.nameEn : ch.nameZh }))} />
                <Field name="paidAt" type="datetime-local" label={c.paidAtLabel} required defaultValue={fromProof?.paidAt ?? undefined} />
                <Field name="bankRef" label={c.bankRefLabel} autoComplete="off" maxLength={64} defaultValue={fromProof?.bankRef} />
                <TextArea name="reason" label={c.reentryReasonLabel} maxLength={500} required />
              </>
            )}
            <Button type="submit">{c.submit}</Button>
          </StaffForm>
        </div>
        <VoucherPanel vouchers={vouchers} t={t} />
      </div>
    </>
  );
}
