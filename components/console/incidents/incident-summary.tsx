import { fill, type Locale, type Messages } from "@/lib/i18n";
import { formatDate, formatDateTime } from "@/lib/i18n/format";

type Incident = { id: number; channel: string | null; bank: string | null; valueFrom: string; valueTo: string; messageZh: string; messageEn: string; createdAt: Date; endedAt: Date | null };

/** One incident's facts: channel and bank, value dates, both messages, open or ended. */
export function IncidentSummary({ incident, channelName, t, locale, timeZone }: { incident: Incident; channelName: string; t: Messages; locale: Locale; timeZone: string }) {
  const i = t.backOffice.incidents;
  return (
    <dl className="grid grid-cols-[max-content_1fr] gap-x-6 gap-y-1">
      <dt className="font-semibold">{i.channel}</dt>
      <dd>
        {channelName}
        {incident.bank && ` · ${incident.bank}`}
      </dd>
      <dt className="font-semibold">{i.range}</dt>
      <dd>
        {formatDate(incident.valueFrom, locale)} – {formatDate(incident.valueTo, locale)}
      </dd>
      <dt className="font-semibold">{i.messageZh}</dt>
      <dd lang="zh-CN">{incident.messageZh}</dd>
      <dt className="font-semibold">{i.messageEn}</dt>
      <dd lang="en">{incident.messageEn}</dd>
      <dt className="font-semibold">{i.declaredAt}</dt>
      <dd>{formatDateTime(incident.createdAt, locale, timeZone)}</dd>
      <dt className="font-semibold">{i.status}</dt>
      <dd data-incident-state={incident.endedAt ? "ended" : "open"}>{incident.endedAt ? fill(i.ended, { date: formatDateTime(incident.endedAt, locale, timeZone) }) : i.open}</dd>
    </dl>
  );
}
