import type { Locale, Messages } from "@/lib/i18n";
import { fill } from "@/lib/i18n";
import { formatDate } from "@/lib/i18n/format";
import type { TicketStatus } from "@/lib/routing";
import type { TimeLeft } from "@/lib/sla";
import { dueDay, slaState } from "@/lib/ticket-desk";

type Props = { ticket: { status: TicketStatus; dueAt: Date | null; pausedAt: Date | null }; now: Date; t: Messages; locale: Locale; timeZone: string; timeLeft?: TimeLeft | null };

/** The SLA clock in words: due day, then paused, breached or the business days left (`data-sla` carries the state). */
export function SlaBadge({ ticket, now, t, locale, timeZone, timeLeft }: Props) {
  const state = slaState(ticket, now);
  const s = t.desk.sla;
  const tone = state === "breached" ? "font-bold text-bad" : state === "paused" ? "text-gray-700" : "";
  return (
    <span data-sla={state} className={tone}>
      {ticket.dueAt ? fill(s.due, { date: formatDate(dueDay(ticket.dueAt, timeZone), locale) }) : s.none}
      {state === "paused" && ` · ${s.paused}`}
      {state === "breached" && ` · ${timeLeft?.kind === "overdue" ? fill(s.overdue, { n: timeLeft.businessDays }) : s.breached}`}
      {state === "running" && timeLeft?.kind === "left" && ` · ${timeLeft.dueToday ? s.dueToday : fill(s.left, { n: timeLeft.businessDays })}`}
    </span>
  );
}

/** The time left alone, for the queue's own column. */
export function TimeLeftText({ ticket, now, t, timeLeft }: Omit<Props, "locale" | "timeZone">) {
  const state = slaState(ticket, now);
  const s = t.desk.sla;
  if (state === "none") return <span data-time-left="none">{s.none}</span>;
  if (state === "paused") return <span data-time-left="paused" className="text-gray-700">{s.paused}</span>;
  if (!timeLeft) return <span data-time-left={state}>{state === "breached" ? s.breached : "—"}</span>;
  if (timeLeft.kind === "overdue") {
    return (
      <span data-time-left={`overdue:${timeLeft.businessDays}`} className="font-bold text-bad">
        {fill(s.overdue, { n: timeLeft.businessDays })}
      </span>
    );
  }
  return <span data-time-left={`left:${timeLeft.businessDays}`}>{timeLeft.dueToday ? s.dueToday : fill(s.left, { n: timeLeft.businessDays })}</span>;
}
