import "server-only";
import { sql } from "drizzle-orm";
import { addDays, type IsoDate, weekdayOf, zonedInstant, zonedParts } from "@/lib/dates";
import { AppError } from "@/lib/errors";
import { TICKET_CATEGORIES, TICKET_QUEUES, type TicketCategory, type TicketQueue } from "@/lib/routing";
import { STATUS_CODES, type StatusCode } from "@/lib/status";
import { db, type Executor, queryRows } from "../client";
import { flushLookupCounts, type LookupOutcome } from "./lookup-stats";
import type { StaffPrincipal } from "./staff-auth";

/**
 * The supervisors' dashboard (issue 6): backlog and SLA breaches per queue,
 * causes over time, median time to resolution, ratings, and lookups that
 * ended without a ticket. Every figure is read from PostgreSQL, so all
 * instances show the same numbers. Days and weeks are service-zone dates.
 */

export type DashboardOptions = { now: Date; timeZone: string; days?: number; weeks?: number };

export type Dashboard = {
  backlog: { queue: TicketQueue; open: number; waitingOnPayer: number; waitingOnSettlement: number; breached: number }[];
  /** Monday of each week, oldest first. */
  weeks: IsoDate[];
  byCategory: Record<TicketCategory, number[]>;
  byPaymentStatus: Record<StatusCode, number[]>;
  resolved: number[];
  resolvedLate: number[];
  medianHours: (number | null)[];
  ratings: { counts: [number, number, number, number, number]; average: number | null };
  days: IsoDate[];
  lookups: { found: number[]; qr: number[]; noMatch: number[]; tickets: number[]; withoutTicket: number[] };
};

const ALLOWED = new Set(["supervisor", "admin"]);

export async function dashboard(actor: StaffPrincipal, options: DashboardOptions, tx: Executor = db()): Promise<Dashboard> {
  if (!ALLOWED.has(actor.role)) throw new AppError("forbidden");
  await flushLookupCounts(tx);
  const { now, timeZone } = options;
  const today = zonedParts(now, timeZone).date;
  const dayCount = options.days ?? 14;
  const weekCount = options.weeks ?? 8;
  const days = Array.from({ length: dayCount }, (_, i) => addDays(today, i - dayCount + 1));
  const thisMonday = addDays(today, -((weekdayOf(today) + 6) % 7));
  const weeks = Array.from({ length: weekCount }, (_, i) => addDays(thisMonday, 7 * (i - weekCount + 1)));
  const localDay = (column: ReturnType<typeof sql>) => sql`(${column} at time zone ${timeZone})::date`;
  const localWeek = (column: ReturnType<typeof sql>) => sql`date_trunc('week', ${column} at time zone ${timeZone})::date`;
  // Range conditions on the raw timestamps, so an index on created_at / resolved_at can serve them.
  const sinceWeek = zonedInstant(weeks[0]!, "00:00", timeZone).toISOString();
  const sinceDay = zonedInstant(days[0]!, "00:00", timeZone).toISOString();

  const [backlog, opened, closed, ratings, lookups, ticketsPerDay] = await Promise.all([
    queryRows<{ queue: TicketQueue; open: number; payer: number; settlement: number; breached: number }>(
      tx,
      sql`select queue::text as queue,
            count(*) filter (where status = 'open')::int as open,
            count(*) filter (where status = 'waiting_on_payer')::int as payer,
            count(*) filter (where status = 'waiting_on_settlement')::int as settlement,
            count(*) filter (where due_at < ${now.toISOString()}::timestamptz and paused_at is null)::int as breached
          from tickets
          where status not in ('resolved', 'closed') and merged_into_id is null
          group by queue`,
    ),
    queryRows<{ week: string; category: TicketCategory; payment_status: StatusCode; n: number }>(
      tx,
      sql`select ${localWeek(sql`created_at`)}::text as week, category::text as category, payment_status, count(*)::int as n
          from tickets
          where created_at >= ${sinceWeek}::timestamptz and merged_into_id is null
          group by 1, 2, 3`,
    ),
    queryRows<{ week: string; resolved: number; late: number; median_hours: number | string | null }>(
      tx,
      sql`select ${localWeek(sql`resolved_at`)}::text as week,
            count(*)::int as resolved,
            count(*) filter (where due_at is not null and resolved_at > due_at)::int as late,
            percentile_cont(0.5) within group (order by extract(epoch from resolved_at - created_at) / 3600) as median_hours
          from tickets
          where resolved_at >= ${sinceWeek}::timestamptz
          group by 1`,
    ),
    queryRows<{ rating: number; n: number }>(
      tx,
      sql`select rating::int as rating, count(*)::int as n from tickets
          where rating is not null and resolved_at >= ${sinceWeek}::timestamptz
          group by rating`,
    ),
    queryRows<{ day: string; outcome: LookupOutcome; count: number }>(
      tx,
      sql`select day::text as day, outcome, count from lookup_daily where day >= ${days[0]!}::date`,
    ),
    queryRows<{ day: string; n: number }>(
      tx,
      sql`select ${localDay(sql`created_at`)}::text as day, count(*)::int as n from tickets
          where created_at >= ${sinceDay}::timestamptz
          group by 1`,
    ),
  ]);

  const weekIndex = new Map(weeks.map((w, i) => [w, i]));
  const dayIndex = new Map(days.map((d, i) => [d, i]));
  const zeros = (n: number) => Array.from({ length: n }, () => 0);

  const byCategory = Object.fromEntries(TICKET_CATEGORIES.map((c) => [c, zeros(weeks.length)])) as Dashboard["byCategory"];
  const byPaymentStatus = Object.fromEntries(STATUS_CODES.map((c) => [c, zeros(weeks.length)])) as Dashboard["byPaymentStatus"];
  for (const row of opened) {
    const i = weekIndex.get(row.week);
    if (i === undefined) continue;
    byCategory[row.category][i]! += Number(row.n);
    if (row.payment_status in byPaymentStatus) byPaymentStatus[row.payment_status][i]! += Number(row.n);
  }

  const resolved = zeros(weeks.length);
  const resolvedLate = zeros(weeks.length);
  const medianHours: (number | null)[] = weeks.map(() => null);
  for (const row of closed) {
    const i = weekIndex.get(row.week);
    if (i === undefined) continue;
    resolved[i] = Number(row.resolved);
    resolvedLate[i] = Number(row.late);
    medianHours[i] = row.median_hours === null ? null : Math.round(Number(row.median_hours) * 10) / 10;
  }

  const counts: Dashboard["ratings"]["counts"] = [0, 0, 0, 0, 0];
  for (const row of ratings) if (row.rating >= 1 && row.rating <= 5) counts[row.rating - 1] = Number(row.n);
  const rated = counts.reduce((a, b) => a + b, 0);
  const average = rated === 0 ? null : Math.round((counts.reduce((sum, n, i) => sum + n * (i + 1), 0) / rated) * 10) / 10;

  const found = zeros(days.length);
  const qr = zeros(days.length);
  const noMatch = zeros(days.length);
  const ticketsOpened = zeros(days.length);
  for (const row of lookups) {
    const i = dayIndex.get(row.day);
    if (i === undefined) continue;
    const target = row.outcome === "found" ? found : row.outcome === "qr" ? qr : row.outcome === "no_match" ? noMatch : null;
    if (target) target[i] = Number(row.count);
  }
  for (const row of ticketsPerDay) {
    const i = dayIndex.get(row.day);
    if (i !== undefined) ticketsOpened[i] = Number(row.n);
  }
  // A resident who reached a status page and did not report a problem that day found their answer there.
  const withoutTicket = days.map((_, i) => Math.max(0, found[i]! + qr[i]! - ticketsOpened[i]!));

  const backlogByQueue = new Map(backlog.map((r) => [r.queue, r]));
  return {
    backlog: TICKET_QUEUES.map((queue) => {
      const r = backlogByQueue.get(queue);
      return { queue, open: Number(r?.open ?? 0), waitingOnPayer: Number(r?.payer ?? 0), waitingOnSettlement: Number(r?.settlement ?? 0), breached: Number(r?.breached ?? 0) };
    }),
    weeks,
    byCategory,
    byPaymentStatus,
    resolved,
    resolvedLate,
    medianHours,
    ratings: { counts, average },
    days,
    lookups: { found, qr, noMatch, tickets: ticketsOpened, withoutTicket },
  };
}

export type DashboardHeadline = { open: number; overdue: number; dueToday: number; unmatchedLines: number };

/**
 * The dashboard's headline numbers (issue 18), each the count of a list it links to: open tickets,
 * open tickets past due (as the console home counts breaches), active tickets due by the end of today
 * in the service zone with the clock running, and statement lines no receipt is matched to (the
 * exceptions page). Supervisors and admins, like the rest of the dashboard.
 */
export async function dashboardHeadline(actor: StaffPrincipal, options: { now: Date; timeZone: string }, tx: Executor = db()): Promise<DashboardHeadline> {
  if (!ALLOWED.has(actor.role)) throw new AppError("forbidden");
  const now = options.now.toISOString();
  const endOfToday = zonedInstant(addDays(zonedParts(options.now, options.timeZone).date, 1), "00:00", options.timeZone).toISOString();
  const [tickets, lines] = await Promise.all([
    queryRows<{ open: number; overdue: number; due_today: number }>(
      tx,
      sql`select count(*) filter (where status = 'open')::int as open,
            count(*) filter (where status = 'open' and due_at <= ${now}::timestamptz and paused_at is null)::int as overdue,
            count(*) filter (where status = 'open' and due_at > ${now}::timestamptz and due_at <= ${endOfToday}::timestamptz and paused_at is null)::int as due_today
          from tickets
          where status = 'open'`,
    ),
    queryRows<{ n: number }>(tx, sql`select count(*)::int as n from settlement_lines l where not exists (select 1 from matches m where m.settlement_line_id = l.id)`),
  ]);
  return { open: tickets[0]?.open ?? 0, overdue: tickets[0]?.overdue ?? 0, dueToday: tickets[0]?.due_today ?? 0, unmatchedLines: lines[0]?.n ?? 0 };
}
