import { StaffForm } from "@/components/console/staff-form";
import { Select, TextArea } from "@/components/console/corrections/fields";
import { IncidentSummary } from "@/components/console/incidents/incident-summary";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { channelChoices, listIncidents } from "@/db/queries/incidents-admin";
import { requestLocale } from "@/app/locale";
import { env } from "@/lib/env";
import { fill } from "@/lib/i18n";
import { backOfficeFormTexts, redirectedError, RedirectedError, type SearchParams } from "../console-page";
import { consoleStaff } from "../guard";
import { declareIncidentAction } from "./actions";

export default async function IncidentsPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const [staff, { t, locale }, query] = await Promise.all([consoleStaff("/staff/incidents"), requestLocale(), searchParams]);
  const b = t.backOffice;
  const i = b.incidents;
  const [incidents, channels] = await Promise.all([listIncidents(staff), channelChoices()]);
  const channelName = (code: string | null) => {
    const ch = channels.find((c) => c.code === code);
    return ch ? (locale === "en" ? ch.nameEn : ch.nameZh) : b.allChannels;
  };
  const error = redirectedError(query, t);
  const tz = env().TZ;
  return (
    <>
      <h1 className="mb-3 text-3xl font-bold">{i.title}</h1>
      <p className="mb-6 text-lg">{i.intro}</p>
      <RedirectedError code={error} t={t} />
      {staff.role !== "agent" && (
        <section aria-labelledby="declare-title" className="mb-10 max-w-2xl">
          <h2 id="declare-title" className="mb-3 text-2xl font-bold">
            {i.declareTitle}
          </h2>
          <StaffForm action={declareIncidentAction} texts={backOfficeFormTexts(t)} keepValues>
            <Select name="channel" label={i.channel} defaultValue="" options={[{ value: "", label: b.allChannels }, ...channels.map((c) => ({ value: c.code, label: locale === "en" ? c.nameEn : c.nameZh }))]} />
            <Field name="bank" label={i.bank} maxLength={64} autoComplete="off" />
            <Field name="valueFrom" type="date" label={i.valueFrom} required />
            <Field name="valueTo" type="date" label={i.valueTo} required />
            <TextArea name="messageZh" label={i.messageZh} hint={i.messageHint} maxLength={500} required lang="zh-CN" />
            <TextArea name="messageEn" label={i.messageEn} hint={i.messageHint} maxLength={500} required lang="en" />
            <Button type="submit">{i.declare}</Button>
          </StaffForm>
        </section>
      )}
      <h2 className="mb-3 text-2xl font-bold">{i.list}</h2>
      {incidents.length === 0 ? (
        <p data-empty>{b.none}</p>
      ) : (
        <ul className="space-y-6">
          {incidents.map((incident) => (
            <li key={incident.id} data-incident={incident.id} className="rounded-md border-2 border-gray-300 p-4">
              <h3 className="mb-2 text-xl font-bold">
                <a href={`/staff/incidents/${incident.id}`} className="text-brand underline">
                  {fill(i.detailTitle, { id: incident.id })}
                </a>
              </h3>
              <IncidentSummary incident={incident} channelName={channelName(incident.channel)} t={t} locale={locale} timeZone={tz} />
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
