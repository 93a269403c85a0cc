import type { StaffTicketView } from "@/db/queries/staff-tickets";
import type { Locale, Messages } from "@/lib/i18n";
import { fill } from "@/lib/i18n";
import { maskContact } from "@/lib/mask";
import { formatFen } from "@/lib/money";
import type { TimeLeft } from "@/lib/sla";
import { SlaBadge } from "./sla-badge";

type Props = { view: StaffTicketView; now: Date; timeLeft: TimeLeft | null; t: Messages; locale: Locale; timeZone: string };

/**
 * The ticket's first screen (issue 18): what a clerk needs to decide, in one block — reference,
 * category, queue, status, due date and time left, the receipt with its amount and payment status,
 * and the payer's contact masked (the resident section further down shows it in full).
 */
export function TicketSummary({ view, now, timeLeft, t, locale, timeZone }: Props) {
  const p = t.desk.ticket;
  const { ticket, receipt, status } = view;
  const cell = "flex flex-col";
  const label = "text-base font-semibold text-gray-700";
  const amount = receipt
    ? receipt.amountPaidFen === null || receipt.amountPaidFen === receipt.amountDueFen
      ? formatFen(receipt.amountDueFen)
      : fill(p.amountLine, { due: formatFen(receipt.amountDueFen), paid: formatFen(receipt.amountPaidFen) })
    : "—";
  return (
    <section aria-labelledby="summary-title" className="mb-4 rounded-md border-2 border-gray-300 p-4" data-ticket-summary>
      <h2 id="summary-title" className="sr-only">
        {p.summary}
      </h2>
      <dl className="grid grid-cols-2 gap-x-6 gap-y-3 text-lg sm:grid-cols-3" data-ticket={ticket.ref} data-version={ticket.version}>
        <div className={cell}>
          <dt className={label}>{p.ref}</dt>
          <dd className="font-mono font-semibold">{ticket.ref}</dd>
        </div>
        <div className={cell}>
          <dt className={label}>{p.status}</dt>
          <dd data-ticket-status={ticket.status} className="font-semibold">
            {t.desk.statuses[ticket.status]}
            {ticket.mergedIntoRef && (
              <>
                {" · "}
                <a href={`/staff/tickets/${ticket.mergedIntoRef}`} className="text-brand underline">
                  {fill(p.mergedInto, { ref: ticket.mergedIntoRef })}
                </a>
              </>
            )}
          </dd>
        </div>
        <div className={cell}>
          <dt className={label}>{p.sla}</dt>
          <dd data-time-left={timeLeft ? `${timeLeft.kind}:${timeLeft.businessDays}` : ""}>
            <SlaBadge ticket={ticket} now={now} t={t} locale={locale} timeZone={timeZone} timeLeft={timeLeft} />
          </dd>
        </div>
        <div className={cell}>
          <dt className={label}>{p.category}</dt>
          <dd>{t.desk.categories[ticket.category]}</dd>
        </div>
        <div className={cell}>
          <dt className={label}>{p.queue}</dt>
          <dd data-ticket-queue={ticket.queue}>{t.desk.queueNames[ticket.queue]}</dd>
        </div>
        <div className={cell}>
          <dt className={label}>{p.priority}</dt>
          <dd data-priority={ticket.priority}>{t.desk.priorities[ticket.priority as 1 | 2 | 3] ?? "—"}</dd>
        </div>
        <div className={cell}>
          <dt className={label}>{p.receiptNo}</dt>
          <dd className="font-mono">{ticket.receiptNo ?? "—"}</dd>
        </div>
        <div className={cell}>
          <dt className={label}>{p.amount}</dt>
          <dd data-summary-amount>{amount}</dd>
        </div>
        <div className={cell}>
          <dt className={label}>{p.paymentStatus}</dt>
          <dd data-summary-payment-status={status?.code ?? ""}>{status ? t.desk.paymentStatuses[status.code] : "—"}</dd>
        </div>
        <div className={cell}>
          <dt className={label}>{p.contact}</dt>
          <dd data-summary-contact>{maskContact(ticket.payerContact)}</dd>
        </div>
        <div className={cell}>
          <dt className={label}>{p.language}</dt>
          <dd>{t.desk.localeNames[ticket.locale as keyof typeof t.desk.localeNames] ?? "—"}</dd>
        </div>
        <div className={cell}>
          <dt className={label}>{p.assignee}</dt>
          <dd data-assignee={ticket.assigneeId ?? ""}>{ticket.assigneeName || (ticket.assigneeId ? `#${ticket.assigneeId}` : p.unassigned)}</dd>
        </div>
      </dl>
    </section>
  );
}
