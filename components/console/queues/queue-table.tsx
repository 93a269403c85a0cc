import type { QueueRow } from "@/db/queries/queues";
import type { Locale, Messages } from "@/lib/i18n";
import { fill } from "@/lib/i18n";
import { formatFen } from "@/lib/money";
import type { BusinessCalendar } from "@/lib/calendar";
import { businessDaysLeft } from "@/lib/sla";
import { ticketAge } from "@/lib/ticket-desk";
import { SlaBadge, TimeLeftText } from "../tickets/sla-badge";
import { DataTable } from "@/components/ui/data-table";

type Props = { rows: QueueRow[]; t: Messages; locale: Locale; timeZone: string; calendar: BusinessCalendar; caption: string; now?: Date };

/** One page of a queue: what triage needs (issue 18) — the ticket, status, category, receipt, amount, payment status, age, due date and time left, assignee. */
export function QueueTable({ rows, t, locale, timeZone, calendar, caption, now = new Date() }: Props) {
  const q = t.desk.queue;
  return (
    <DataTable headers={[q.ref, q.status, q.category, q.receipt, q.amount, q.paymentStatus, q.age, q.due, q.timeLeft, q.assignee]} className="mb-6" caption={caption} data={{ "data-testid": "queue-table" }}>
      {rows.map((row) => {
        const age = ticketAge(row.createdAt, now);
        const amount = row.amountPaidFen ?? row.amountDueFen;
        const timeLeft = row.dueAt ? businessDaysLeft(row.dueAt, now, calendar, timeZone) : null;
        return (
          <tr key={row.id} data-ticket-row={row.ref} className="border-b border-gray-300 align-top">
            <th scope="row" className="p-2 font-normal">
              <a href={`/staff/tickets/${row.ref}`} className="font-mono font-semibold text-brand underline">
                {row.ref}
              </a>
            </th>
            <td className="p-2" data-ticket-status={row.status}>{t.desk.statuses[row.status]}</td>
            <td className="p-2">{t.desk.categories[row.category]}</td>
            <td className="p-2 font-mono">{row.receiptNo ?? "—"}</td>
            <td className="p-2 text-right whitespace-nowrap" data-amount={amount ?? ""}>{amount === null ? "—" : formatFen(amount)}</td>
            <td className="p-2" data-payment-status={row.paymentStatus}>{t.desk.paymentStatuses[row.paymentStatus as keyof typeof t.desk.paymentStatuses] ?? "—"}</td>
            <td className="p-2 whitespace-nowrap" data-age={`${age.n}${age.unit === "hours" ? "h" : "d"}`}>{fill(age.unit === "hours" ? q.ageHours : q.ageDays, { n: age.n })}</td>
            <td className="p-2">
              <SlaBadge ticket={row} now={now} t={t} locale={locale} timeZone={timeZone} />
            </td>
            <td className="p-2">
              <TimeLeftText ticket={row} now={now} t={t} timeLeft={timeLeft} />
            </td>
            <td className="p-2">{row.assigneeName || (row.assigneeId ? `#${row.assigneeId}` : t.desk.ticket.unassigned)}</td>
          </tr>
        );
      })}
    </DataTable>
  );
}
