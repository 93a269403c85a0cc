import type { Locale, Messages } from "@/lib/i18n";
import { fill } from "@/lib/i18n";
import { formatDate } from "@/lib/i18n/format";
import type { TicketStatus } from "@/lib/routing";
import { dueDay, slaState } from "@/lib/ticket-desk";

/** The SLA clock in words: due day, paused, or breached (`data-sla` carries the state). */
export function SlaBadge({ ticket, now, t, locale, timeZone }: { ticket: { status: TicketStatus; dueAt: Date | null; pausedAt: Date | null }; now: Date; t: Messages; locale: Locale; timeZone: string }) {
  const state = slaState(ticket, now);
  const s = t.desk.sla;
  const tone = state === "breached" ? "font-bold text-bad" : state === "paused" ? "text-gray-700" : "";
  return (
    <span data-sla={state} className={tone}>
      {ticket.dueAt ? fill(s.due, { date: formatDate(dueDay(ticket.dueAt, timeZone), locale) }) : s.none}
      {state !== "none" && state !== "running" && ` · ${s[state]}`}
    </span>
  );
}
