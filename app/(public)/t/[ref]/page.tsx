import { notFound } from "next/navigation";
import { Button } from "@/components/ui/button";
import { FileField, TextAreaField } from "@/components/ui/field";
import { Notice } from "@/components/ui/notice";
import { ticketForHolder } from "@/db/queries/tickets";
import { env } from "@/lib/env";
import { formatDateTime } from "@/lib/i18n/format";
import { fill } from "@/lib/i18n/fill";
import { TICKET_REF_PATTERN } from "@/lib/tickets";
import { publicBaseUrl } from "../../../base-url";
import { requestLocale } from "@/app/locale";
import { rateTicketAction, residentReplyAction } from "../../ticket-actions";
import { justCreated, trackingSecret } from "../../ticket-cookies";

type Props = { params: Promise<{ ref: string }>; searchParams: Promise<{ error?: string; minutes?: string }> };

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
        <p className="text-lg">{t.tracking.notAllowedBody}</p>
      </>
    );
  }
  const tr = t.tracking;
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
            {tr.rating.map((label, i) => (
              <form key={label} action={rateTicketAction}>
                <input type="hidden" name="ref" value={ticket.ref} />
                <input type="hidden" name="rating" value={i + 1} />
                <button type="submit" aria-pressed={ticket.rating === i + 1} className="min-h-12 rounded-md border-2 border-brand px-4 py-2 text-lg aria-pressed:bg-brand aria-pressed:text-white">
                  {label}
                </button>
              </form>
            ))}
          </div>
        </section>
      )}
    </>
  );
}
