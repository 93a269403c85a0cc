import type { QueueRow } from "@/db/queries/queues";
import type { Locale, Messages } from "@/lib/i18n";
import { SlaBadge } from "../tickets/sla-badge";
import { DataTable } from "@/components/ui/data-table";

/** One page of a queue: the ticket, its status, category, SLA and assignee. */
export function QueueTable({ rows, t, locale, timeZone, caption }: { rows: QueueRow[]; t: Messages; locale: Locale; timeZone: string; caption: string }) {
  const q = t.desk.queue;
  const now = new Date();
  return (
    <DataTable headers={[q.ref, q.status, q.category, q.receipt, q.due, q.assignee]} className="mb-6" caption={caption} data={{ "data-testid": "queue-table" }}>
      {rows.map((row) => (
        <tr key={row.id} data-ticket-row={row.ref} className="border-b border-gray-300 align-top">
          <th scope="row" className="p-2 font-normal">
            <a href={`/staff/tickets/${row.ref}`} className="font-mono font-semibold text-brand underline">
              {row.ref}
            </a>
          </th>
          <td className="p-2" data-ticket-status={row.status}>{t.desk.statuses[row.status]}</td>
          <td className="p-2">{t.ticket.categories[row.category]}</td>
          <td className="p-2 font-mono">{row.receiptNo ?? "—"}</td>
          <td className="p-2">
            <SlaBadge ticket={row} now={now} t={t} locale={locale} timeZone={timeZone} />
          </td>
          <td className="p-2">{row.assigneeName || (row.assigneeId ? `#${row.assigneeId}` : t.desk.ticket.unassigned)}</td>
        </tr>
      ))}
    </DataTable>
  );
}
