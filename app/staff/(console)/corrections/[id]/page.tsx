import { StaffForm } from "@/components/console/staff-form";
import { TextArea } from "@/components/console/corrections/fields";
import { ReceiptFacts } from "@/components/console/corrections/receipt-facts";
import { VoucherPanel } from "@/components/console/corrections/voucher-panel";
import { Button } from "@/components/ui/button";
import { Notice } from "@/components/ui/notice";
import { correctionDetail } from "@/db/queries/corrections";
import { requestLocale } from "@/app/locale";
import { fill } from "@/lib/i18n";
import { env } from "@/lib/env";
import { formatDateTime } from "@/lib/i18n/format";
import { formatFen } from "@/lib/money";
import { backOfficeFormTexts, DoneNotice, idParam, PageRefusal, redirectedError, RedirectedError, type SearchParams } from "../../console-page";
import { consoleStaff } from "../../guard";
import { decideCorrectionAction, markRefundPaidOutAction } from "../actions";

const DONE = ["prepared", "approved", "rejected", "paid_out"] as const;

export default async function CorrectionPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<SearchParams> }) {
  const [{ id: rawId }, query] = await Promise.all([params, searchParams]);
  const id = idParam(rawId) ?? 0;
  const [staff, { t, locale }] = await Promise.all([consoleStaff(`/staff/corrections/${id}`), requestLocale()]);
  const b = t.backOffice;
  const c = b.corrections;
  const correction = id > 0 ? await correctionDetail(staff, id) : null;
  if (!correction) {
    return <PageRefusal title={c.title} code="not_found" message={b.errors.not_found} />;
  }
  const tz = env().TZ;
  const error = redirectedError(query, t);
  const done = DONE.find((d) => d === query.done);
  const doneText = { prepared: c.prepared, approved: c.approved, rejected: c.rejected, paid_out: c.paidOutTitle };
  const texts = backOfficeFormTexts(t);
  const details: [string, string][] = [
    [c.kind, b.kinds[correction.kind]],
    [c.amount, formatFen(correction.amountFen)],
    [correction.kind === "refund" ? c.reason : c.reentryReasonLabel, correction.reason],
    ...(correction.kind === "refund"
      ? ([[c.payee, correction.payeeAccount ?? "—"]] as [string, string][])
      : ([
          [c.channel, correction.channel ?? "—"],
          [c.paidAt, correction.paidAt ? formatDateTime(correction.paidAt, locale, tz) : "—"],
          [c.bankRef, correction.bankRef ?? "—"],
        ] as [string, string][])),
    [c.preparedBy, correction.preparedByEmail],
    [c.preparedAt, formatDateTime(correction.preparedAt, locale, tz)],
    ...(correction.decidedAt
      ? ([
          [c.decidedBy, correction.decidedByEmail ?? "—"],
          [c.decidedAt, formatDateTime(correction.decidedAt, locale, tz)],
          [c.decisionNote, correction.decisionNote ?? "—"],
        ] as [string, string][])
      : []),
  ];
  return (
    <>
      <h1 className="mb-3 text-3xl font-bold">{fill(c.detailTitle, { id: correction.id })}</h1>
      <p className="mb-6 text-lg">
        <span data-correction-status={correction.status} className="font-semibold">
          {b.statuses[correction.status]}
        </span>
        {" · "}
        <a href={`/staff/tickets/${correction.ticketRef}`} className="text-brand underline">
          {c.viewTicket} {correction.ticketRef}
        </a>
      </p>
      <RedirectedError code={error} t={t} />
      {done && !error && <DoneNotice code={done} message={doneText[done]} />}
      <div className="grid gap-8 lg:grid-cols-2">
        <div>
          <dl className="mb-6 grid grid-cols-[max-content_1fr] gap-x-6 gap-y-1">
            {details.map(([label, value]) => (
              <div key={label} className="contents">
                <dt className="font-semibold">{label}</dt>
                <dd>{value}</dd>
              </div>
            ))}
          </dl>
          <h2 className="mb-2 text-xl font-bold">{c.receiptNow}</h2>
          <ReceiptFacts receipt={{ receiptNo: correction.receiptNo, billingStatus: correction.billingStatus, amountDueFen: correction.amountDueFen, amountPaidFen: correction.amountPaidFen }} t={t} locale={locale} timeZone={tz} />

          {correction.status === "pending" &&
            (correction.decisionRefusal ? (
              <Notice tone="warn">
                <span data-error={correction.decisionRefusal}>{b.errors[correction.decisionRefusal]}</span>
              </Notice>
            ) : (
              <section aria-labelledby="decide-title">
                <h2 id="decide-title" className="mb-3 text-xl font-bold">
                  {c.decide}
                </h2>
                <StaffForm action={decideCorrectionAction} texts={texts} keepValues>
                  <input type="hidden" name="id" value={correction.id} />
                  <input type="hidden" name="version" value={correction.version} />
                  <TextArea name="note" label={c.noteLabel} maxLength={500} />
                  <div className="flex flex-wrap gap-4">
                    <Button type="submit" name="decision" value="approve">
                      {c.approve}
                    </Button>
                    <button type="submit" name="decision" value="reject" className="min-h-12 rounded-md border-2 border-gray-800 px-6 py-3 text-lg font-semibold">
                      {c.reject}
                    </button>
                  </div>
                </StaffForm>
              </section>
            ))}

          {correction.kind === "refund" && correction.status === "approved" && (
            <section aria-labelledby="paid-out-title" className="mt-6">
              <h2 id="paid-out-title" className="mb-3 text-xl font-bold">
                {c.paidOutTitle}
              </h2>
              {correction.paidOutAt ? (
                <p data-paid-out>{fill(c.paidOut, { date: formatDateTime(correction.paidOutAt, locale, tz) })}</p>
              ) : (
                <StaffForm action={markRefundPaidOutAction} texts={texts} keepValues>
                  <input type="hidden" name="id" value={correction.id} />
                  <input type="hidden" name="version" value={correction.version} />
                  <Button type="submit">{c.markPaidOut}</Button>
                </StaffForm>
              )}
            </section>
          )}
        </div>
        <VoucherPanel vouchers={correction.vouchers} t={t} />
      </div>
    </>
  );
}
