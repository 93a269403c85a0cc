import type { SettlementLineView } from "@/db/queries/manual-match";
import type { StaffTicketView } from "@/db/queries/staff-tickets";
import type { StaffFormAction } from "@/lib/action-state";
import type { Locale, Messages } from "@/lib/i18n";
import { fill } from "@/lib/i18n";
import { formatDate, formatDateTime } from "@/lib/i18n/format";
import { formatFen } from "@/lib/money";
import type { PaymentStatus, StatusCode } from "@/lib/status";
import { SettlementAmounts, signedFen, type Amounts } from "@/components/console/settlement-amounts";
import { StaffForm } from "@/components/console/staff-form";
import { DataTable } from "@/components/ui/data-table";

type Confirmation = Awaited<ReturnType<typeof import("@/db/queries/channel-confirmations").unsafeConfirmationsForReceipt>>[number];
/** `matchAction` matches a candidate line to the receipt by hand (app/staff/tickets-actions.ts). */
type Props = { view: StaffTicketView; matchAction: StaffFormAction; t: Messages; locale: Locale; timeZone: string; confirmations?: Confirmation[] };

/** What the resident's page says for this status, in the same words (lib/i18n status texts); exhaustive over the codes. */
function statusSentence(status: PaymentStatus, t: Messages, locale: Locale): string {
  const v = t.status.views;
  const date = (d: string) => formatDate(d, locale);
  switch (status.code) {
    case "posted":
      return v.posted.body(date(status.postedOn));
    case "pending":
      return status.expectedDate ? v.pending.body(date(status.expectedDate)) : v.pending.unknownYear(status.unknownYear ?? 0);
    case "awaiting_bank":
      return v.awaiting_bank.body(status.retryAtLocal);
    case "overdue":
      return v.overdue.body(date(status.expectedDate));
    case "amount_mismatch":
      return v.amount_mismatch.body(status.dueFen, status.settledFen);
    case "duplicate":
      return v.duplicate.body(status.settlementCount, status.refundableFen);
    case "refund_pending":
      return v.refund_pending.body(status.refundFen);
    case "refunded":
      return v.refunded.body(status.refundFen, status.refundedOn && date(status.refundedOn));
    case "unpaid":
      return v.unpaid.body;
    case "voided":
      return v.voided.body;
    case "not_found":
      return v.not_found.body;
    default:
      return assertNever(status);
  }
}

function assertNever(value: never): never {
  throw new Error(`unhandled payment status ${(value as { code: StatusCode }).code}`);
}

export function PaymentPanel({ view, matchAction, t, locale, timeZone, confirmations = [] }: Props) {
  const p = t.desk.ticket;
  const { receipt, status, lines, candidates, ticket } = view;
  // what the receipt is credited with: a line at its gross (less a difference the amount tolerance took up), or its share of a batch credit
  const settled = lines.reduce((sum, l) => sum + (l.share?.grossFen ?? l.grossFen - (l.differenceFen ?? 0)), 0);
  const texts = { done: t.desk.actions.done, errors: t.appErrors, refusals: t.desk.actions.refusals };
  const submittedStatus = ticket.paymentStatus in t.desk.paymentStatuses ? t.desk.paymentStatuses[ticket.paymentStatus as StatusCode] : "—";
  return (
    <section aria-labelledby="payment-title" className="mb-8">
      <h2 id="payment-title" className="mb-3 text-2xl font-bold">
        {p.payment}
      </h2>
      {!receipt ? (
        <p className="mb-4">{p.noReceipt}</p>
      ) : (
        <dl className="mb-4 grid grid-cols-[max-content_1fr] gap-x-6 gap-y-1">
          <dt className="font-semibold">{p.receiptNo}</dt>
          <dd className="font-mono">{receipt.receiptNo}</dd>
          <dt className="font-semibold">{p.service}</dt>
          <dd>{locale === "en" ? receipt.serviceEn : receipt.serviceZh}</dd>
          <dt className="font-semibold">{p.amountDue}</dt>
          <dd>{formatFen(receipt.amountDueFen)}</dd>
          <dt className="font-semibold">{p.amountPaid}</dt>
          <dd>{receipt.amountPaidFen === null ? "—" : formatFen(receipt.amountPaidFen)}</dd>
          <dt className="font-semibold">{p.channel}</dt>
          <dd>{locale === "en" ? receipt.channelEn : receipt.channelZh}</dd>
          <dt className="font-semibold">{p.paidAt}</dt>
          <dd>{receipt.paidAt ? formatDateTime(receipt.paidAt, locale, timeZone) : "—"}</dd>
          <dt className="font-semibold">{p.bankRef}</dt>
          <dd className="font-mono">{receipt.bankRef ?? "—"}</dd>
        </dl>
      )}
      {status && (
        <div data-status={status.code} className="mb-4 rounded-md border-l-8 border-brand bg-blue-50 p-4">
          <p className="text-xl font-bold">{t.desk.paymentStatuses[status.code]}</p>
          <h3 className="mt-3 font-semibold">{p.derivation}</h3>
          <ol className="ml-6 list-decimal">
            {receipt && <li>{fill(p.steps.billing, { status: p.billingStatuses[receipt.billingStatus as keyof typeof p.billingStatuses] ?? receipt.billingStatus })}</li>}
            <li>{lines.length > 0 ? fill(p.steps.lines, { count: lines.length, amount: formatFen(settled) }) : p.steps.noLines}</li>
            {receipt && <li>{fill(p.steps.timing, { lag: receipt.lagDays, cutoff: receipt.cutoff })}</li>}
            <li>{fill(p.steps.submitted, { status: submittedStatus })}</li>
          </ol>
          {/* The resident's own sentence, marked as theirs: what the payer was told, for replying in the same terms. */}
          <details className="mt-3">
            <summary className="cursor-pointer font-semibold">{p.residentView}</summary>
            <p className="mt-1" lang={t.htmlLang}>{statusSentence(status, t, locale)}</p>
          </details>
        </div>
      )}

      <ConfirmationTable confirmations={confirmations} t={t} locale={locale} timeZone={timeZone} />

      <h3 className="mb-2 text-xl font-bold">{p.lines}</h3>
      {lines.length === 0 ? (
        <p className="mb-4">{p.noLines}</p>
      ) : (
        <LineTable
          t={t}
          rows={lines.map((l) => ({
            ...l,
            extra: p.methods[l.method as keyof typeof p.methods] ?? l.method,
            // a batch credit: this receipt's share of it, and the whole credit beside
            amounts: l.share ? { grossFen: l.share.grossFen, feeFen: l.share.feeFen, netFen: l.share.grossFen - l.share.feeFen } : { grossFen: l.grossFen, feeFen: l.feeFen, netFen: l.amountFen },
            note: l.share && l.batchId !== null ? `${fill(t.amounts.batchShare, { batch: l.batchId })} ${formatFen(l.amountFen)}` : undefined,
            differenceFen: l.differenceFen,
          }))}
          extraHeader={p.method}
        />
      )}

      {receipt && (
        <>
          <h3 className="mb-2 text-xl font-bold">{p.candidates}</h3>
          {candidates.length === 0 ? (
            <p className="mb-4">{p.noCandidates}</p>
          ) : (
            <LineTable
              t={t}
              rows={candidates.map((c) => ({ ...c, extra: p.reasons[c.reason] }))}
              extraHeader={p.reason}
              action={(lineId) => (
                <StaffForm action={matchAction} texts={texts}>
                  <input type="hidden" name="ref" value={ticket.ref} />
                  <input type="hidden" name="receiptId" value={receipt.id} />
                  <input type="hidden" name="lineId" value={lineId} />
                  <button type="submit" data-match-line={lineId} className="min-h-11 rounded-md border-2 border-gray-800 px-3 py-2 font-semibold">
                    {p.match}
                  </button>
                </StaffForm>
              )}
            />
          )}
        </>
      )}
    </section>
  );
}

type LineRow = SettlementLineView & {
  extra: string;
  /** A matched line: gross, fee and net (settlement-amounts.tsx); a candidate shows its amount only. */
  amounts?: Amounts;
  note?: string;
  /** Matched within the amount tolerance: the line's amount minus the amount due. */
  differenceFen?: number | null;
};

function LineTable({ rows, t, extraHeader, action }: { rows: LineRow[]; t: Messages; extraHeader: string; action?: (lineId: number) => React.ReactNode }) {
  const p = t.desk.ticket;
  return (
    <DataTable
      className="mb-4"
      headers={[p.bankRef, p.amount, p.valueDate, p.channel, p.account, p.remittance, extraHeader, ...(action ? [<span key="match" className="sr-only">{p.match}</span>] : [])]}
    >
      {rows.map((l) => (
        <tr key={l.id} data-line={l.id} className="border-b border-gray-300 align-top">
          <td className="p-2 font-mono">{l.bankRef ?? "—"}</td>
          <td className="p-2">
            {l.amounts ? <SettlementAmounts amounts={l.amounts} t={t} /> : formatFen(l.amountFen)}
            {l.note && (
              <span className="block" data-batch-credit={l.amountFen}>
                {l.note}
              </span>
            )}
            {l.differenceFen !== undefined && l.differenceFen !== null && (
              <span className="block font-semibold" data-tolerated-difference={l.differenceFen}>
                {fill(t.amounts.toleratedDifference, { difference: signedFen(l.differenceFen), credited: formatFen(l.amountFen - l.differenceFen) })}
              </span>
            )}
          </td>
          <td className="p-2">{l.valueDate}</td>
          <td className="p-2">{l.channel ? (t.desk.channelNames[l.channel as keyof typeof t.desk.channelNames] ?? "—") : "—"}</td>
          <td className="p-2 font-mono">{l.payerAccount ?? "—"}</td>
          <td className="p-2">{l.remittance ?? "—"}</td>
          <td className="p-2">{l.extra}</td>
          {action && <td className="p-2">{action(l.id)}</td>}
        </tr>
      ))}
    </DataTable>
  );
}

/** The payment channels' confirmations of this receipt (issue 14): evidence beside the settlement lines. */
function ConfirmationTable({ confirmations, t, locale, timeZone }: { confirmations: Confirmation[]; t: Messages; locale: Locale; timeZone: string }) {
  const c = t.channels.console;
  return (
    <>
      <h3 className="mb-2 text-xl font-bold">{c.evidence}</h3>
      {confirmations.length === 0 ? (
        <p className="mb-4">{c.none}</p>
      ) : (
        <DataTable className="mb-4" headers={[t.channels.confirmed.channel, c.transaction, c.order, c.amount, c.paidAt, c.receivedAt, c.terminal]}>
          {confirmations.map((k) => (
            <tr key={k.id} data-channel-confirmation={k.channel} className="border-b border-gray-300 align-top">
              <td className="p-2">{t.channels.names[k.channel as keyof typeof t.channels.names] ?? t.desk.channelNames[k.channel as keyof typeof t.desk.channelNames] ?? "—"}</td>
              <td className="p-2 font-mono">{k.transactionId}</td>
              <td className="p-2 font-mono">{k.outTradeNo}</td>
              <td className="p-2">{formatFen(k.amountFen)}</td>
              <td className="p-2">{formatDateTime(k.paidAt, locale, timeZone)}</td>
              <td className="p-2">{formatDateTime(k.receivedAt, locale, timeZone)}</td>
              <td className="p-2 font-mono">{[k.terminalId, k.batchId].filter(Boolean).join(" / ") || "—"}</td>
            </tr>
          ))}
        </DataTable>
      )}
    </>
  );
}
