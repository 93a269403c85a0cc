import { notFound } from "next/navigation";
import { Button } from "@/components/ui/button";
import { FileField, TextAreaField } from "@/components/ui/field";
import { Notice } from "@/components/ui/notice";
import { ticketForHolder } from "@/db/queries/tickets";
import { env } from "@/lib/env";
import { CopyRef } from "@/components/tickets/copy-ref";
import { zonedParts } from "@/lib/dates";
import { formatDateTime, formatZonedDate } from "@/lib/i18n/format";
import { formatFen } from "@/lib/money";
import { fill } from "@/lib/i18n/fill";
import { progressStages, RATING_SCALE, TICKET_REF_PATTERN } from "@/lib/tickets";
import { publicBaseUrl } from "../../../base-url";
import { requestLocale } from "@/app/locale";
import { rateTicketAction, residentReplyAction } from "../../ticket-actions";
import { justCreated, trackingSecret } from "../../ticket-cookies";

type Props = { params: Promise<{ ref: string }>; searchParams: Promise<{ error?: string; minutes?: string; rated?: string }> };

export default async function TrackingPage({ params, searchParams }: Props) {
  const [{ ref }, query, { locale, t }] = await Promise.all([params, searchParams, requestLocale()]);
  if (!TICKET_REF_PATTERN.test(ref)) notFound();
  const config = env();
  const secret = await trackingSecret();
  const ticket = await ticketForHolder(ref, secret);
  if (!ticket || !secret) {
    return (
      <>
        <h1 className="mb-3 text-3xl font-bold">{t.tracking.notAllowedTitle}</h1>
        <p className="mb-6 text-lg">{t.tracking.notAllowedBody}</p>
        <section aria-labelledby="recover-title" data-recover className="mb-6">
          <h2 id="recover-title" className="mb-2 text-xl font-bold">
            {t.resident.tracking.recoverTitle}
          </h2>
          <p className="mb-3 text-lg">{t.resident.tracking.recoverBody}</p>
          <p className="flex flex-wrap gap-x-6 gap-y-2 text-lg">
            <a href="/" className="inline-flex min-h-11 items-center font-semibold text-brand underline">
              {t.resident.tracking.recoverLookup}
            </a>
            <a href="/help" data-help-link className="inline-flex min-h-11 items-center text-brand underline">
              {t.resident.help.link}
            </a>
          </p>
        </section>
      </>
    );
  }
  const tr = t.tracking;
  const rt = t.resident.tracking;
  const stages = progressStages(ticket);
  const dueDate = ticket.dueAt ? zonedParts(ticket.dueAt, config.TZ).date : undefined;
  const showLink = await justCreated();
  const base = await publicBaseUrl();
  const minutes = Math.min(60 * 24, Math.max(1, Number.parseInt(query.minutes ?? "1", 10) || 1));
  const errorText = query.error ? fill((t.ticket.errors as Record<string, string>)[query.error] ?? t.errors.invalid, { minutes }) : undefined;

  return (
    <>
      <h1 className="mb-3 text-3xl font-bold">{fill(tr.title, { ref: ticket.ref })}</h1>
      <div data-ticket-status={ticket.status} data-queue={ticket.queue} className="mb-6">
        <p className="text-base text-gray-700">{tr.statusLabel}</p>
        <p className="mb-2 text-2xl font-bold">{tr.statuses[ticket.status]}</p>
        <p className="text-lg">{tr.statusHelp[ticket.status]}</p>
      </div>

      {query.rated === "follow_up" && <Notice tone="info">{rt.followUp}</Notice>}

      <dl className="mb-6 grid grid-cols-1 gap-x-6 gap-y-2 text-lg sm:grid-cols-[max-content_1fr]">
        <dt className="font-semibold">{rt.refLabel}</dt>
        <dd>
          <CopyRef value={ticket.ref} label={rt.copy} copied={rt.copied} />
        </dd>
        {ticket.status !== "resolved" && ticket.status !== "closed" && (
          <>
            <dt className="font-semibold">{rt.dueTitle}</dt>
            <dd data-due-date={dueDate}>
              {ticket.dueAt ? fill(rt.dueBody, { date: formatZonedDate(ticket.dueAt, locale, config.TZ) }) : rt.dueNone}
              {ticket.status === "waiting_on_payer" && <span className="block text-base text-gray-700">{rt.duePaused}</span>}
            </dd>
          </>
        )}
      </dl>

      <h2 className="mb-3 text-2xl font-bold">{rt.stagesTitle}</h2>
      <ol className="mb-8 grid grid-cols-1 gap-2 sm:grid-cols-3" data-stages>
        {stages.map((s) => (
          <li key={s.stage} data-stage={s.stage} data-stage-reached={s.at ? "true" : "false"} className={`rounded-md border-2 p-3 ${s.at ? "border-ok bg-green-50" : "border-gray-300"}`}>
            <p className="text-lg font-semibold">{rt.stages[s.stage]}</p>
            <p className="text-base text-gray-700">{s.at ? formatDateTime(s.at, locale, config.TZ) : rt.stageWaiting}</p>
          </li>
        ))}
      </ol>

      {(ticket.receiptNo || ticket.receipt) && (
        <section aria-labelledby="receipt-summary-title" className="mb-8" data-receipt-summary>
          <h2 id="receipt-summary-title" className="mb-2 text-xl font-bold">
            {rt.receiptTitle}
          </h2>
          <dl className="grid grid-cols-1 gap-x-6 gap-y-1 text-lg sm:grid-cols-[max-content_1fr]">
            {ticket.receiptNo && (
              <>
                <dt className="font-semibold">{t.status.receiptNo}</dt>
                <dd className="break-all">{ticket.receiptNo}</dd>
              </>
            )}
            {ticket.receipt && (
              <>
                <dt className="font-semibold">{t.status.service}</dt>
                <dd>{locale === "en" ? ticket.receipt.serviceEn : ticket.receipt.serviceZh}</dd>
                <dt className="font-semibold">{t.status.amountDue}</dt>
                <dd>{formatFen(ticket.receipt.amountDueFen)}</dd>
                {ticket.receipt.amountPaidFen !== null && (
                  <>
                    <dt className="font-semibold">{t.status.amountPaid}</dt>
                    <dd>{formatFen(ticket.receipt.amountPaidFen)}</dd>
                  </>
                )}
                {ticket.receipt.paidAt && (
                  <>
                    <dt className="font-semibold">{t.status.paidAt}</dt>
                    <dd>{formatDateTime(ticket.receipt.paidAt, locale, config.TZ)}</dd>
                  </>
                )}
              </>
            )}
          </dl>
        </section>
      )}

      {showLink && (
        <Notice tone="info">
          <h2 className="mb-1 text-xl font-bold">{tr.keepLinkTitle}</h2>
          <p className="mb-2">{tr.keepLinkBody}</p>
          <p className="break-all font-mono text-base" data-testid="private-link">
            {`${base}/t/${ticket.ref}/open?k=${secret}`}
          </p>
        </Notice>
      )}

      {errorText && (
        <div role="alert" data-error="invalid" className="mb-6 rounded-md border-4 border-bad p-4">
          {errorText}
        </div>
      )}

      <h2 className="mb-3 text-2xl font-bold">{tr.timeline}</h2>
      <ol className="mb-8 space-y-4">
        {ticket.events.map((event) => (
          <li key={event.id} className="border-l-4 border-gray-300 pl-4" data-event={event.kind}>
            <p className="font-semibold">{(tr.events as Record<string, string>)[event.kind] ?? tr.events.status_changed}</p>
            <p className="text-base text-gray-700">{formatDateTime(event.at, locale, config.TZ)}</p>
            {event.body && <p className="mt-1 whitespace-pre-wrap text-lg">{event.body}</p>}
            {event.attachments.map((a, i) => (
              <a key={a.id} href={`/t/${ticket.ref}/attachments/${a.id}`} className="mr-4 text-brand underline">
                {fill(tr.attachment, { n: i + 1 })}
              </a>
            ))}
          </li>
        ))}
      </ol>

      {ticket.status === "waiting_on_payer" && (
        <form action={residentReplyAction} className="mb-8">
          <input type="hidden" name="ref" value={ticket.ref} />
          <TextAreaField id="reply-message" name="message" label={tr.replyLabel} rows={4} maxLength={2000} required />
          <FileField id="reply-proof" name="proof" label={t.ticket.proofLabel} hint={t.ticket.proofHint} multiple accept="image/jpeg,image/png,application/pdf" />
          <Button type="submit">{tr.replySubmit}</Button>
        </form>
      )}

      {(ticket.status === "resolved" || ticket.status === "closed") && (
        <section aria-labelledby="rate-title" className="mb-8">
          <h2 id="rate-title" className="mb-3 text-xl font-bold">
            {tr.rateTitle}
          </h2>
          {ticket.rating !== null && <p className="mb-2" data-rating={ticket.rating}>{tr.rateThanks}</p>}
          <div className="flex flex-wrap gap-2">
            {/* 好差评, best first: 非常满意 (5) … 非常不满意 (1). */}
            {RATING_SCALE.map((rating) => (
              <form key={rating} action={rateTicketAction}>
                <input type="hidden" name="ref" value={ticket.ref} />
                <input type="hidden" name="rating" value={rating} />
                <button type="submit" aria-pressed={ticket.rating === rating} className="min-h-12 rounded-md border-2 border-brand px-4 py-2 text-lg aria-pressed:bg-brand aria-pressed:text-white">
                  {tr.rating[rating - 1]}
                </button>
              </form>
            ))}
          </div>
        </section>
      )}
    </>
  );
}
