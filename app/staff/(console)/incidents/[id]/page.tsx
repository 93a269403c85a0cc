import { StaffForm } from "@/components/console/staff-form";
import { IncidentSummary } from "@/components/console/incidents/incident-summary";
import { Button } from "@/components/ui/button";
import { channelChoices, incidentById, incidentTickets } from "@/db/queries/incidents-admin";
import { requestLocale } from "@/app/locale";
import { env } from "@/lib/env";
import { fill } from "@/lib/i18n";
import { formatDateTime } from "@/lib/i18n/format";
import { backOfficeFormTexts, DoneNotice, idParam, PageRefusal, redirectedError, RedirectedError, type SearchParams } from "../../console-page";
import { consoleStaff } from "../../guard";
import { endIncidentAction } from "../actions";
import { DataTable } from "@/components/ui/data-table";

export default async function IncidentPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<SearchParams> }) {
  const [{ id: rawId }, query] = await Promise.all([params, searchParams]);
  const id = idParam(rawId) ?? 0;
  const [staff, { t, locale }] = await Promise.all([consoleStaff(`/staff/incidents/${id}`), requestLocale()]);
  const b = t.backOffice;
  const i = b.incidents;
  const incident = id > 0 ? await incidentById(staff, id) : null;
  if (!incident) {
    return <PageRefusal title={i.title} code="not_found" message={b.errors.not_found} />;
  }
  const tz = env().TZ;
  const [tickets, channels] = await Promise.all([incidentTickets(staff, incident, tz), channelChoices()]);
  const ch = channels.find((c) => c.code === incident.channel);
  const error = redirectedError(query, t);
  const done = query.done === "declared" || query.done === "ended" ? query.done : null;
  return (
    <>
      <h1 className="mb-6 text-3xl font-bold">{fill(i.detailTitle, { id: incident.id })}</h1>
      <RedirectedError code={error} t={t} />
      {done && !error && <DoneNotice code={done} message={done === "declared" ? i.declared : i.endedDone} />}
      <div className="mb-6">
        <IncidentSummary incident={incident} channelName={ch ? (locale === "en" ? ch.nameEn : ch.nameZh) : b.allChannels} t={t} locale={locale} timeZone={tz} />
      </div>
      {!incident.endedAt && staff.role !== "agent" && (
        <StaffForm action={endIncidentAction} texts={backOfficeFormTexts(t)} className="mb-8" keepValues>
          <input type="hidden" name="id" value={incident.id} />
          <Button type="submit">{i.end}</Button>
        </StaffForm>
      )}
      <h2 className="mb-3 text-2xl font-bold">{i.tickets}</h2>
      {tickets.length === 0 ? (
        <p data-empty>{i.noTickets}</p>
      ) : (
        <DataTable headers={[i.ticket, i.receipt, i.queue, i.status, i.due, i.linked]}>
          {tickets.map((ticket) => (
            <tr key={ticket.ref} data-incident-ticket={ticket.ref} className="border-b border-gray-300">
              <td className="p-2">
                <a href={`/staff/tickets/${ticket.ref}`} className="font-semibold text-brand underline">
                  {ticket.ref}
                </a>
              </td>
              <td className="p-2 font-mono">{ticket.receiptNo ?? "—"}</td>
              <td className="p-2">{ticket.queue}</td>
              <td className="p-2">{ticket.status}</td>
              <td className="p-2">{ticket.dueAt ? formatDateTime(ticket.dueAt, locale, tz) : "—"}</td>
              <td className="p-2">{ticket.linked ? b.yes : b.no}</td>
            </tr>
          ))}
        </DataTable>
      )}
    </>
  );
}
