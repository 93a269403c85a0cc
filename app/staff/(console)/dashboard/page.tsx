import { BarChart } from "@/components/console/charts/bar-chart";
import { LineChart } from "@/components/console/charts/line-chart";
import { DataTable } from "@/components/ui/data-table";
import { confirmedNotSettled, type UnsettledBucket } from "@/db/queries/channel-confirmations";
import { dashboard, dashboardHeadline, type DashboardHeadline } from "@/db/queries/dashboard";
import { feesByChannelMonth } from "@/db/queries/batches";
import { formatFen } from "@/lib/money";
import { env } from "@/lib/env";
import { fill } from "@/lib/i18n";
import { formatDate } from "@/lib/i18n/format";
import { TICKET_CATEGORIES } from "@/lib/routing";
import { STATUS_CODES } from "@/lib/status";
import { requestLocale } from "@/app/locale";
import { PageRefusal, readOrRefusal } from "../console-page";
import { consoleStaff } from "../guard";

export default async function DashboardPage() {
  const [staff, { t, locale }] = await Promise.all([consoleStaff("/staff/dashboard"), requestLocale()]);
  const o = t.oversight;
  const d = o.dashboard;
  const now = new Date();
  const read = await readOrRefusal(dashboard(staff, { now, timeZone: env().TZ }));
  if (!read.ok) return <PageRefusal title={d.title} code={read.code} message={o.forbidden} />;
  const data = read.value;
  const [unsettled, headline, fees] = await Promise.all([
    confirmedNotSettled(staff, now),
    dashboardHeadline(staff, { now, timeZone: env().TZ }),
    feesByChannelMonth(staff),
  ]);
  const texts = o.chart;
  const weekRows = data.weeks.map((w) => fill(d.week, { date: formatDate(w, locale) }));
  const weekAxis = data.weeks.map((w) => w.slice(5));
  const dayRows = data.days.map((day) => formatDate(day, locale));
  const dayAxis = data.days.map((day) => day.slice(5));
  const queues = data.backlog.map((b) => o.queues[b.queue]);
  // What the weekly charts and the per-queue charts share.
  const weekly = { categories: weekRows, axisLabels: weekAxis, categoryHeader: d.weekHeader, texts };
  const byQueue = { categories: queues, categoryHeader: d.backlog.queue, texts };
  const rated = data.ratings.counts.reduce((a, b) => a + b, 0);
  const inUse = <K extends string>(series: Record<K, number[]>, keys: readonly K[]) => keys.filter((k) => series[k].some((n) => n > 0));
  const statuses = inUse(data.byPaymentStatus, STATUS_CODES);

  return (
    <>
      <div className="mb-6 flex flex-wrap items-baseline justify-between gap-4">
        <h1 className="text-3xl font-bold">{d.title}</h1>
        <a href="/staff/exports/tickets.csv" className="font-semibold text-brand underline" data-export-link>
          {d.export}
        </a>
      </div>
      <p className="mb-4 text-lg">{d.intro}</p>

      <Headline figures={headline} unsettled={unsettled.reduce((sum, b) => sum + b.count, 0)} t={t} />

      <UnsettledTile buckets={unsettled} t={t} />

      <section data-tile="fees-by-channel" className="mb-10">
        <h2 className="mb-3 text-2xl font-bold">{o.fees.title}</h2>
        {fees.length === 0 ? (
          <p>{o.fees.none}</p>
        ) : (
          <DataTable headers={[o.fees.month, o.fees.channel, o.fees.fee, o.fees.gross, o.fees.credits]} region={o.fees.title}>
            {fees.map((f) => (
              <tr key={`${f.month}-${f.channel}`} className="border-b border-gray-300" data-fee-row={`${f.channel}:${f.month}`}>
                <td className="p-2">{f.month}</td>
                <td className="p-2">{t.channels.names[f.channel as keyof typeof t.channels.names] ?? f.channel}</td>
                <td className="p-2">{formatFen(f.feeFen)}</td>
                <td className="p-2">{formatFen(f.grossFen)}</td>
                <td className="p-2">{f.credits}</td>
              </tr>
            ))}
          </DataTable>
        )}
      </section>

      {/* Two charts a row on a console screen, so the page is half as tall (issue 18). */}
      <div className="grid gap-x-8 lg:grid-cols-2">
      <BarChart
        id="backlog"
        title={d.backlog.title}
        desc={d.backlog.desc}
        {...byQueue}
        series={[
          { key: "open", label: o.ticketStatuses.open, values: data.backlog.map((b) => b.open) },
          { key: "waiting_on_payer", label: o.ticketStatuses.waiting_on_payer, values: data.backlog.map((b) => b.waitingOnPayer) },
          { key: "waiting_on_settlement", label: o.ticketStatuses.waiting_on_settlement, values: data.backlog.map((b) => b.waitingOnSettlement) },
        ]}
      />

      <BarChart
        id="breaches-now"
        title={d.breaches.title}
        desc={d.breaches.desc}
        {...byQueue}
        series={[{ key: "breached", label: d.breaches.now, values: data.backlog.map((b) => b.breached) }]}
      />
      <BarChart
        id="breaches-weekly"
        title={d.breaches.weeklyTitle}
        desc={d.breaches.desc}
        {...weekly}
        series={[
          { key: "on_time", label: d.breaches.resolvedOnTime, values: data.resolved.map((n, i) => n - data.resolvedLate[i]!) },
          { key: "late", label: d.breaches.resolvedLate, values: data.resolvedLate },
        ]}
      />

      <BarChart
        id="causes"
        title={d.causes.title}
        desc={d.causes.desc}
        {...weekly}
        series={TICKET_CATEGORIES.map((c) => ({ key: c, label: o.categories[c], values: data.byCategory[c] }))}
      />
      <BarChart
        id="payment-statuses"
        title={d.paymentStatuses.title}
        desc={d.paymentStatuses.desc}
        {...weekly}
        series={statuses.map((s) => ({ key: s, label: t.status.views[s].title, values: data.byPaymentStatus[s] }))}
      />

      <LineChart
        id="resolution"
        title={d.resolution.title}
        desc={d.resolution.desc}
        {...weekly}
        series={[{ key: "median", label: d.resolution.series, values: data.medianHours }]}
      />

      <div>
      <BarChart
        id="ratings"
        title={d.ratings.title}
        desc={d.ratings.desc}
        categories={[1, 2, 3, 4, 5].map((n) => fill(d.ratings.stars, { n }))}
        categoryHeader={d.ratings.title}
        texts={texts}
        series={[{ key: "ratings", label: d.ratings.count, values: data.ratings.counts }]}
      />
      <p className="-mt-6 mb-8 text-lg" data-rating-average={data.ratings.average ?? ""}>
        {data.ratings.average === null ? d.ratings.none : fill(d.ratings.average, { average: data.ratings.average, count: rated })}
      </p>
      </div>

      <BarChart
        id="lookups"
        title={d.lookups.title}
        desc={d.lookups.desc}
        categories={dayRows}
        axisLabels={dayAxis}
        categoryHeader={d.day}
        texts={texts}
        series={[
          { key: "without_ticket", label: d.lookups.withoutTicket, values: data.lookups.withoutTicket },
          { key: "tickets", label: d.lookups.tickets, values: data.lookups.tickets },
        ]}
      />
      </div>
    </>
  );
}

/**
 * The headline numbers (issue 18), above the charts: each is a link to the list it counts — the
 * all-queues list filtered by status and due time, the exceptions page, the unsettled tile below.
 */
function Headline({ figures, unsettled, t }: { figures: DashboardHeadline; unsettled: number; t: Awaited<ReturnType<typeof requestLocale>>["t"] }) {
  const h = t.oversight.dashboard.headline;
  const items: { key: string; label: string; value: number; href: string; alert?: boolean }[] = [
    { key: "open", label: h.open, value: figures.open, href: "/staff/queues/all?status=open&assigned=any" },
    { key: "overdue", label: h.overdue, value: figures.overdue, href: "/staff/queues/all?status=open&assigned=any&due=overdue", alert: figures.overdue > 0 },
    { key: "due-today", label: h.dueToday, value: figures.dueToday, href: "/staff/queues/all?status=open&assigned=any&due=today" },
    { key: "unmatched", label: h.unmatched, value: figures.unmatchedLines, href: "/staff/exceptions" },
    { key: "confirmed-not-settled", label: h.confirmedNotSettled, value: unsettled, href: "#unsettled-title" },
  ];
  return (
    <section aria-labelledby="headline-title" className="mb-8">
      <h2 id="headline-title" className="sr-only">
        {h.title}
      </h2>
      <ul className="grid grid-cols-2 gap-4 sm:grid-cols-3 lg:grid-cols-5">
        {items.map((item) => (
          <li key={item.key}>
            <a href={item.href} data-headline={item.key} className="flex h-full flex-col rounded-md border-2 border-gray-300 p-4 text-gray-900 no-underline hover:border-brand focus:border-brand">
              <span className={`text-4xl font-bold tabular-nums ${item.alert ? "text-bad" : "text-brand"}`} data-headline-value>
                {item.value}
              </span>
              <span className="mt-1 text-lg font-semibold underline">{item.label}</span>
            </a>
          </li>
        ))}
      </ul>
    </section>
  );
}

const AGES: UnsettledBucket["age"][] = ["under_1d", "1_3d", "over_3d"];

/** Issue 14: payments a channel confirmed whose statement has not arrived, by channel and age. */
function UnsettledTile({ buckets, t }: { buckets: UnsettledBucket[]; t: Awaited<ReturnType<typeof requestLocale>>["t"] }) {
  const c = t.channels.console;
  const channels = [...new Set(buckets.map((b) => b.channel))];
  const cell = (channel: string, age: UnsettledBucket["age"]) => buckets.find((b) => b.channel === channel && b.age === age)?.count ?? 0;
  return (
    <section data-tile="confirmed-not-settled" className="mb-8 rounded-md border-2 border-gray-300 p-4">
      <h2 id="unsettled-title" className="mb-1 text-2xl font-bold">
        {c.tileTitle}
      </h2>
      <p className="mb-3">{c.tileIntro}</p>
      {channels.length === 0 ? (
        <p data-empty>{c.tileNone}</p>
      ) : (
        <DataTable headers={[t.channels.confirmed.channel, ...AGES.map((a) => c.ages[a])]}>
          {channels.map((channel) => (
            <tr key={channel} data-unsettled-channel={channel} className="border-b border-gray-300">
              <td className="p-2">{t.channels.names[channel as keyof typeof t.channels.names] ?? channel}</td>
              {AGES.map((age) => (
                <td key={age} className="p-2" data-age={age}>
                  {cell(channel, age)}
                </td>
              ))}
            </tr>
          ))}
        </DataTable>
      )}
    </section>
  );
}
