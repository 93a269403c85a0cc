import { PaymentPanel } from "@/components/console/tickets/payment-panel";
import { ProofChecks } from "@/components/console/tickets/proof-check";
import { TicketActions } from "@/components/console/tickets/ticket-actions";
import { TicketSummary } from "@/components/console/tickets/ticket-summary";
import { TicketTimeline } from "@/components/console/tickets/ticket-timeline";
import { loadCalendar } from "@/db/queries/calendar";
import { unsafeConfirmationsForReceipt } from "@/db/queries/channel-confirmations";
import { unsafeProofChecksForTicket } from "@/db/queries/proof-checks";
import { staffTicket } from "@/db/queries/staff-tickets";
import { cannedReplyText, isCannedReplyId } from "@/lib/canned-replies";
import { env } from "@/lib/env";
import { fill } from "@/lib/i18n";
import { businessDaysLeft } from "@/lib/sla";
import { TICKET_REF_PATTERN } from "@/lib/tickets";
import { requestLocale } from "@/app/locale";
import * as desk from "../../../tickets-actions";
import { PageRefusal, type SearchParams } from "../../console-page";
import { consoleStaff } from "../../guard";

const DESK_ACTIONS = {
  claim: desk.claimTicketAction,
  assign: desk.assignTicketAction,
  reply: desk.replyTicketAction,
  askInfo: desk.askInfoTicketAction,
  note: desk.noteTicketAction,
  resolve: desk.resolveTicketAction,
  transfer: desk.transferTicketAction,
  merge: desk.mergeTicketAction,
  close: desk.closeTicketAction,
};

type Props = { params: Promise<{ ref: string }>; searchParams: Promise<SearchParams> };

export default async function StaffTicketPage({ params, searchParams }: Props) {
  const [{ ref: raw }, query] = await Promise.all([params, searchParams]);
  const ref = decodeURIComponent(raw).toUpperCase();
  const [staff, { t, locale }] = await Promise.all([consoleStaff(`/staff/tickets/${encodeURIComponent(ref)}`), requestLocale()]);
  const p = t.desk.ticket;
  const timeZone = env().TZ;
  const now = new Date();
  const view = TICKET_REF_PATTERN.test(ref) ? await staffTicket(ref, staff, { now, timeZone }) : null;
  if (!view) {
    return <PageRefusal title={fill(p.title, { ref })} code="not_found" message={p.notFound} />;
  }
  const { ticket, receipt } = view;
  // Only after staffTicket has checked this staff member may see the ticket (and so its receipt).
  const [confirmations, proofChecks] = await Promise.all([receipt ? unsafeConfirmationsForReceipt(receipt.receiptNo) : [], unsafeProofChecksForTicket(ticket.id)]);
  const canned = isCannedReplyId(query.canned) ? query.canned : null;
  // Time left on the same business calendar as the due date (lib/sla.ts); the due date alone when the calendar cannot say.
  const timeLeft = ticket.dueAt ? businessDaysLeft(ticket.dueAt, now, await loadCalendar(), timeZone) : null;
  const actionProps = { view, actions: DESK_ACTIONS, staff, t, canned, cannedText: canned ? cannedReplyText(canned, ticket.locale) : "" };
  return (
    <>
      <div className="mb-3 flex flex-wrap items-baseline gap-x-6 gap-y-1">
        <h1 className="text-3xl font-bold">{fill(p.title, { ref: ticket.ref })}</h1>
        <a href={`/staff/queues/${ticket.queue}`} className="font-semibold text-brand underline">
          {p.back}
        </a>
        <a href={`/staff/corrections/new?ticket=${encodeURIComponent(ticket.ref)}`} className="font-semibold text-brand underline" data-testid="prepare-correction">
          {p.correction}
        </a>
      </div>

      {/* First screen at 1366×768 (issue 18): the summary and the proofs on the left, claim / reply / resolve on the right. */}
      <div className="grid gap-x-8 lg:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
        <div>
          <TicketSummary view={view} now={now} timeLeft={timeLeft} t={t} locale={locale} timeZone={timeZone} />
          <ProofChecks checks={proofChecks} attachments={view.attachments} ticket={ticket} hasReceipt={receipt !== null} confirmAction={desk.confirmProposedMatchAction} t={t} locale={locale} />
        </div>
        <div>
          <TicketActions {...actionProps} part="primary" />
        </div>
      </div>

      <div className="grid gap-x-8 lg:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
        <div>
          <PaymentPanel view={view} matchAction={desk.manualMatchAction} t={t} locale={locale} timeZone={timeZone} confirmations={confirmations} />
          <section aria-labelledby="resident-title" className="mb-8">
            <h2 id="resident-title" className="mb-3 text-2xl font-bold">
              {p.resident}
            </h2>
            <dl className="grid grid-cols-[max-content_1fr] gap-x-6 gap-y-1">
              <dt className="font-semibold">{p.contact}</dt>
              <dd data-payer-contact>{ticket.payerContact}</dd>
              {receipt && (
                <>
                  <dt className="font-semibold">{p.payerName}</dt>
                  <dd data-payer-name>{receipt.payerName}</dd>
                  <dt className="font-semibold">{p.payerPhone}</dt>
                  <dd data-payer-phone>{receipt.payerPhone ?? "—"}</dd>
                </>
              )}
              <dt className="font-semibold">{p.description}</dt>
              <dd className="whitespace-pre-wrap">{ticket.description}</dd>
            </dl>
          </section>
        </div>
        <div>
          <TicketTimeline view={view} t={t} locale={locale} timeZone={timeZone} />
          <TicketActions {...actionProps} part="more" />
        </div>
      </div>
    </>
  );
}
