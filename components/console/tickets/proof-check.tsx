import type { ProofCheckView } from "@/db/queries/proof-checks";
import type { StaffFormAction } from "@/lib/action-state";
import type { Locale, Messages } from "@/lib/i18n";
import { fill } from "@/lib/i18n";
import { formatDate } from "@/lib/i18n/format";
import { formatFen } from "@/lib/money";
import { StaffForm } from "@/components/console/staff-form";
import { isPreviewableProof } from "@/lib/uploads/previewable";

type Props = {
  checks: ProofCheckView[];
  /** The ticket's attachments in timeline order, so that "Proof 2" here is "Proof 2" in the timeline. */
  attachments: { id: number; contentType: string }[];
  ticket: { ref: string; version: number };
  /** Whether the ticket's receipt is in the store; without it there is nothing to match. */
  hasReceipt: boolean;
  /** confirmProposedMatchAction (app/staff/tickets-actions.ts): an ordinary manual match of the stored proposal, then resolve. */
  confirmAction: StaffFormAction;
  t: Messages;
  locale: Locale;
};

/**
 * What the job runner read off each proof and what it found in the store
 * (issue 15), in plain words, one element per proof carrying
 * `data-proof-check` (SPEC §3.6). A proposed line is a button, never a match.
 */
export function ProofChecks({ checks, attachments, ticket, hasReceipt, confirmAction, t, locale }: Props) {
  if (attachments.length === 0) return null;
  const p = t.proofChecks;
  const byAttachment = new Map(checks.map((c) => [c.attachmentId, c]));
  const texts = { done: t.desk.actions.done, errors: t.appErrors, refusals: t.desk.actions.refusals };
  return (
    <section aria-labelledby="proof-checks-title" className="mb-8">
      <h2 id="proof-checks-title" className="mb-3 text-2xl font-bold">
        {p.title}
      </h2>
      <p className="mb-3 text-gray-700">{p.intro}</p>
      <ul className="space-y-3">
        {attachments.map(({ id: attachmentId, contentType }, i) => {
          const check = byAttachment.get(attachmentId);
          return (
            <li key={attachmentId} className="rounded-md border-2 border-gray-300 p-3" data-proof-attachment={attachmentId} data-proof-check={check?.result ?? undefined}>
              <p className="font-semibold">
                {fill(p.proof, { n: i + 1 })}{" "}
                <a href={`/staff/tickets/${ticket.ref}/attachments/${attachmentId}`} className="ml-2 font-normal text-brand underline">
                  {fill(t.desk.ticket.download, { n: i + 1 })}
                </a>
              </p>
              <ProofPreview ticketRef={ticket.ref} attachmentId={attachmentId} contentType={contentType} n={i + 1} t={t} />
              {!check?.result ? <p>{p.pending}</p> : <CheckSentences check={check} t={t} locale={locale} />}
              {check?.result && check.result !== "unreadable" && <ReadFields check={check} t={t} locale={locale} />}
              {check?.proposedLine && !check.proposedLine.matched && hasReceipt && (
                <div className="mt-2" data-proposed-line={check.proposedLine.id}>
                  <p>{fill(p.proposed, { line: check.proposedLine.id, amount: formatFen(check.proposedLine.amountFen), date: formatDate(check.proposedLine.valueDate, locale) })}</p>
                  <StaffForm action={confirmAction} texts={texts}>
                    <input type="hidden" name="ref" value={ticket.ref} />
                    <input type="hidden" name="version" value={ticket.version} />
                    <input type="hidden" name="attachmentId" value={attachmentId} />
                    <button type="submit" data-confirm-proposed={check.proposedLine.id} className="mt-1 min-h-11 rounded-md bg-brand px-4 py-2 font-semibold text-white">
                      {p.confirm}
                    </button>
                  </StaffForm>
                </div>
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}

/**
 * The proof itself, inline (issue 18), from the same authorised route as the download: an image as
 * <img>, a PDF in an <iframe> under the preview CSP (proxy.ts). Other types are only downloaded.
 */
function ProofPreview({ ticketRef, attachmentId, contentType, n, t }: { ticketRef: string; attachmentId: number; contentType: string; n: number; t: Messages }) {
  if (!isPreviewableProof(contentType)) return null;
  const src = `/staff/tickets/${ticketRef}/attachments/${attachmentId}?preview=1`;
  const p = t.desk.ticket;
  if (contentType === "application/pdf") {
    return <iframe src={src} title={fill(p.pdfPreview, { n })} data-proof-preview="pdf" className="my-2 h-96 w-full rounded border border-gray-300 bg-gray-50" />;
  }
  // eslint-disable-next-line @next/next/no-img-element -- a private, per-request proof: never through the image optimiser
  return <img src={src} alt={fill(p.preview, { n })} data-proof-preview="image" className="my-2 max-h-72 max-w-full rounded border border-gray-300 object-contain" />;
}

function CheckSentences({ check, t, locale }: { check: ProofCheckView; t: Messages; locale: Locale }) {
  const p = t.proofChecks;
  const d = check.detail;
  const sentences: string[] = [];
  const amount = d.sameAmount ? p.sameAmount : p.differentAmount;
  switch (check.result) {
    case "reference_match":
      if (typeof d.lineId === "number") sentences.push(fill(p.referenceLine, { line: d.lineId, date: formatDate(String(d.lineValueDate), locale), amount }));
      else if (typeof d.confirmationChannel === "string") {
        const channel = t.channels.names[d.confirmationChannel as keyof typeof t.channels.names] ?? d.confirmationChannel;
        sentences.push(fill(p.referenceConfirmation, { channel, amount }));
      }
      if (d.lineMatchedElsewhere) sentences.push(p.lineElsewhere);
      break;
    case "amount_match":
      sentences.push(fill(p.amountMatch, { line: Number(d.lineId), date: formatDate(String(d.lineValueDate), locale) }));
      if (typeof d.dayOffset === "number" && d.dayOffset !== 0) sentences.push(fill(d.dayOffset < 0 ? p.paidEarlier : p.paidLater, { n: Math.abs(d.dayOffset) }));
      break;
    case "not_found_yet":
      sentences.push(p.notFound);
      break;
    case "reused":
      sentences.push(fill(p.reused, { no: String(d.otherReceiptNo), by: p.reusedBy[d.by as keyof typeof p.reusedBy] ?? String(d.by) }));
      break;
    case "unreadable":
    case null:
      sentences.push(p.unreadable);
      break;
  }
  if (d.receiptNoOnSlip === "other") sentences.push(p.otherReceipt);
  return <p>{sentences.join(" ")}</p>;
}

function ReadFields({ check, t, locale }: { check: ProofCheckView; t: Messages; locale: Locale }) {
  const p = t.proofChecks;
  const { amount, date, transactionId } = check.fields;
  const parts = [
    amount && `${p.amount} ${formatFen(Number(amount.value))}`,
    date && `${p.date} ${formatDate(String(date.value), locale)}`,
    transactionId && `${p.transactionId} ${transactionId.value}`,
  ].filter(Boolean);
  return parts.length === 0 ? null : (
    <p className="text-gray-700">
      {p.read}: {parts.join(" · ")}
    </p>
  );
}
