import { notFound } from "next/navigation";
import { NextTicketButton } from "@/components/console/queues/next-ticket-button";
import { QueueTable } from "@/components/console/queues/queue-table";
import { loadCalendar } from "@/db/queries/calendar";
import { queuePage } from "@/db/queries/queues";
import { env } from "@/lib/env";
import { fill } from "@/lib/i18n";
import { TICKET_CATEGORIES, TICKET_STATUSES } from "@/lib/routing";
import { ZQueueFilters, ZQueueView } from "@/lib/ticket-desk";
import { requestLocale } from "@/app/locale";
import { claimNextTicketAction } from "../../../tickets-actions";
import { PageRefusal, type SearchParams } from "../../console-page";
import { consoleStaff } from "../../guard";

type Props = { params: Promise<{ queue: string }>; searchParams: Promise<SearchParams> };

const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

export default async function QueuePage({ params, searchParams }: Props) {
  const [{ queue: raw }, query] = await Promise.all([params, searchParams]);
  const [staff, { t, locale }] = await Promise.all([consoleStaff(`/staff/queues/${encodeURIComponent(raw)}`), requestLocale()]);
  const queue = ZQueueView.safeParse(raw);
  if (!queue.success) notFound();
  const filters = ZQueueFilters.parse({ status: first(query.status), assigned: first(query.assigned), category: first(query.category), cursor: first(query.cursor), due: first(query.due) });
  const q = t.desk.queue;
  const title = fill(q.title, { queue: queue.data === "all" ? t.staff.console.allQueues : t.desk.queueNames[queue.data] });
  const timeZone = env().TZ;
  const page = await queuePage(staff, queue.data, filters, { now: new Date(), timeZone });
  if (!page) {
    return <PageRefusal title={title} code="forbidden" message={q.forbidden} />;
  }
  const link = (cursor?: string) => {
    const search = new URLSearchParams({ status: filters.status, assigned: filters.assigned, ...(filters.category ? { category: filters.category } : {}), ...(filters.due ? { due: filters.due } : {}), ...(cursor ? { cursor } : {}) });
    return `/staff/queues/${queue.data}?${search.toString()}`;
  };
  const select = "min-h-12 rounded-md border-2 border-gray-800 px-3 text-lg";
  return (
    <>
      <h1 className="mb-6 text-3xl font-bold">{title}</h1>
      <NextTicketButton action={claimNextTicketAction} t={t} />
      <form method="get" className="mb-6 flex flex-wrap items-end gap-4" aria-label={q.filters}>
        <label className="flex flex-col font-semibold">
          {q.status}
          <select name="status" defaultValue={filters.status} className={select}>
            {TICKET_STATUSES.map((s) => (
              <option key={s} value={s}>
                {t.desk.statuses[s]}
              </option>
            ))}
          </select>
        </label>
        <label className="flex flex-col font-semibold">
          {q.assigned}
          <select name="assigned" defaultValue={filters.assigned} className={select}>
            <option value="any">{q.assignedAny}</option>
            <option value="me">{q.assignedMe}</option>
            <option value="unassigned">{q.assignedUnassigned}</option>
          </select>
        </label>
        <label className="flex flex-col font-semibold">
          {q.category}
          <select name="category" defaultValue={filters.category ?? ""} className={select}>
            <option value="">{q.anyCategory}</option>
            {TICKET_CATEGORIES.map((c) => (
              <option key={c} value={c}>
                {t.desk.categories[c]}
              </option>
            ))}
          </select>
        </label>
        <label className="flex flex-col font-semibold">
          {q.dueFilter}
          <select name="due" defaultValue={filters.due ?? ""} className={select}>
            <option value="">{q.dueAny}</option>
            <option value="overdue">{q.dueOverdue}</option>
            <option value="today">{q.dueToday}</option>
          </select>
        </label>
        <button type="submit" className="min-h-12 rounded-md border-2 border-gray-800 px-4 font-semibold">
          {q.apply}
        </button>
      </form>
      {page.rows.length === 0 ? (
        <p className="mb-6 text-lg" data-testid="queue-empty">
          {q.empty}
        </p>
      ) : (
        <QueueTable rows={page.rows} t={t} locale={locale} timeZone={timeZone} calendar={await loadCalendar()} caption={q.caption} />
      )}
      <nav aria-label={q.next} className="flex flex-wrap gap-6">
        {filters.cursor && (
          <a href={link()} className="font-semibold text-brand underline">
            {q.first}
          </a>
        )}
        {page.nextCursor && (
          <a href={link(page.nextCursor)} rel="next" data-testid="next-page" className="font-semibold text-brand underline">
            {q.next}
          </a>
        )}
      </nav>
    </>
  );
}
