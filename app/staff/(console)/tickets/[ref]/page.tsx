import { PaymentPanel } from "@/components/console/tickets/payment-panel";
import { ProofChecks } from "@/components/console/tickets/proof-check";
import { SlaBadge } from "@/components/console/tickets/sla-badge";
import { TicketActions } from "@/components/console/tickets/ticket-actions";
import { TicketTimeline } from "@/components/console/tickets/ticket-timeline";
import { unsafeConfirmationsForReceipt } from "@/db/queries/channel-confirmations";
import { unsafeProofChecksForTicket } from "@/db/queries/proof-checks";
import { staffTicket } from "@/db/queries/staff-tickets";
import { cannedReplyText, isCannedReplyId } from "@/lib/canned-replies";
import { env } from "@/lib/env";
import { fill } from "@/lib/i18n";
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
  return (
    <>
      <p className="mb-2">
        <a href={`/staff/queues/${ticket.queue}`} className="font-semibold text-brand underline">
          {p.back}
        </a>
      </p>
      <h1 className="mb-4 text-3xl font-bold">{fill(p.title, { ref: ticket.ref })}</h1>
      <dl className="mb-4 grid grid-cols-[max-content_1fr] gap-x-6 gap-y-1 text-lg" data-ticket={ticket.ref} data-version={ticket.version}>
        <dt className="font-semibold">{p.status}</dt>
        <dd data-ticket-status={ticket.status}>
          {t.desk.statuses[ticket.status]}
          {view.ticket.mergedIntoRef && (
            <>
              {" · "}
              <a href={`/staff/tickets/${view.ticket.mergedIntoRef}`} className="text-brand underline">
                {fill(p.mergedInto, { ref: view.ticket.mergedIntoRef })}
              </a>
            </>
          )}
        </dd>
        <dt className="font-semibold">{p.queue}</dt>
        <dd data-ticket-queue={ticket.queue}>{t.desk.queueNames[ticket.queue]}</dd>
        <dt className="font-semibold">{p.category}</dt>
        <dd>{t.ticket.categories[ticket.category]}</dd>
        <dt className="font-semibold">{p.priority}</dt>
        <dd>{ticket.priority}</dd>
        <dt className="font-semibold">{p.sla}</dt>
        <dd>
          <SlaBadge ticket={ticket} now={now} t={t} locale={locale} timeZone={timeZone} />
        </dd>
        <dt className="font-semibold">{p.assignee}</dt>
        <dd data-assignee={ticket.assigneeId ?? ""}>{ticket.assigneeName || (ticket.assigneeId ? `#${ticket.assigneeId}` : p.unassigned)}</dd>
      </dl>
      <p className="mb-6">
        <a href={`/staff/corrections/new?ticket=${encodeURIComponent(ticket.ref)}`} className="font-semibold text-brand underline" data-testid="prepare-correction">
          {p.correction}
        </a>
      </p>

      <section aria-labelledby="resident-title" className="mb-8">
        <h2 id="resident-title" className="mb-3 text-2xl font-bold">
          {p.resident}
        </h2>
        <dl className="grid grid-cols-[max-content_1fr] gap-x-6 gap-y-1">
          <dt className="font-semibold">{p.contact}</dt>
          <dd data-payer-contact>{ticket.payerContact}</dd>
          <dt className="font-semibold">{p.language}</dt>
          <dd>{ticket.locale}</dd>
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

      <PaymentPanel view={view} matchAction={desk.manualMatchAction} t={t} locale={locale} timeZone={timeZone} confirmations={confirmations} />
      <ProofChecks checks={proofChecks} attachmentIds={view.attachments.map((a) => a.id)} ticket={ticket} hasReceipt={receipt !== null} confirmAction={desk.confirmProposedMatchAction} t={t} locale={locale} />
      <TicketTimeline view={view} t={t} locale={locale} timeZone={timeZone} />
      <TicketActions view={view} actions={DESK_ACTIONS} staff={staff} t={t} canned={canned} cannedText={canned ? cannedReplyText(canned, ticket.locale) : ""} />
    </>
  );
}
