import type { StaffTicketView } from "@/db/queries/staff-tickets";
import type { Locale, Messages } from "@/lib/i18n";
import { fill } from "@/lib/i18n";
import { formatDateTime } from "@/lib/i18n/format";

/** Every event of the ticket, oldest first; internal ones (notes, claims, transfers) are marked as such. */
export function TicketTimeline({ view, t, locale, timeZone }: { view: StaffTicketView; t: Messages; locale: Locale; timeZone: string }) {
  const p = t.desk.ticket;
  const events = p.events as Record<string, string>;
  let proofNumber = 0;
  return (
    <section aria-labelledby="timeline-title" className="mb-8">
      <h2 id="timeline-title" className="mb-3 text-2xl font-bold">
        {p.timeline}
      </h2>
      <ol className="border-l-4 border-gray-300 pl-4">
        {view.events.map((e) => {
          const who = e.actor === "resident" ? p.actorResident : e.actor === "system" ? p.actorSystem : (e.staffName ?? "");
          const attachments = view.attachments.filter((a) => a.eventId === e.id);
          return (
            <li key={e.id} data-event={e.kind} data-public={String(e.public)} className="mb-4">
              <p className="font-semibold">
                {events[e.kind] ?? e.kind}
                {!e.public && <span className="ml-2 rounded bg-gray-200 px-2 text-sm text-gray-900">{p.internal}</span>}
              </p>
              <p className="text-gray-700">
                {formatDateTime(e.at, locale, timeZone)} · {who}
                {typeof e.data.to === "string" && ` · ${t.desk.queueNames[e.data.to as keyof typeof t.desk.queueNames] ?? e.data.to}`}
                {typeof e.data.into === "string" && ` · ${e.data.into}`}
                {typeof e.data.ref === "string" && ` · ${e.data.ref}`}
                {typeof e.data.correction === "number" && (
                  <>
                    {" · "}
                    <a href={`/staff/corrections/${e.data.correction}`} className="text-brand underline">
                      {fill(p.correctionLink, { id: e.data.correction })}
                    </a>
                  </>
                )}
              </p>
              {e.body && <p className="mt-1 whitespace-pre-wrap">{e.body}</p>}
              {attachments.length > 0 && (
                <ul className="mt-1">
                  {attachments.map((a) => (
                    <li key={a.id}>
                      <a href={`/staff/tickets/${view.ticket.ref}/attachments/${a.id}`} className="font-semibold text-brand underline" data-attachment={a.id}>
                        {fill(p.download, { n: ++proofNumber })}
                      </a>
                      {a.alsoOnReceiptNo && <span className="ml-2 font-semibold text-bad">{fill(p.sharedProof, { no: a.alsoOnReceiptNo })}</span>}
                    </li>
                  ))}
                </ul>
              )}
            </li>
          );
        })}
      </ol>
    </section>
  );
}
