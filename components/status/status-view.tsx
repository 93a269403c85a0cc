import type { ReactNode } from "react";
import type { PublicConfirmation, PublicReceipt, RefundProgress } from "@/db/queries/status";
import type { Incident } from "@/lib/incidents";
import type { Locale, Messages } from "@/lib/i18n";
import { formatDate, formatDateTime, formatDayTime } from "@/lib/i18n/format";
import { formatFen } from "@/lib/money";
import type { PaymentStatus, StatusCode } from "@/lib/status";
import { Notice } from "../ui/notice";
import { BatchSettlement } from "./batch-settlement";
import { ChannelConfirmation } from "./channel-confirmation";
import { StatusNextSteps } from "./next-steps";
import { PaymentsReceived } from "./payments-received";

type View = { tone: "ok" | "info" | "warn" | "bad"; body: string; extra?: string[]; doNotPayAgain: boolean; canReport: boolean; expectedDate?: string };

/**
 * One view per status, through an exhaustive switch: adding a status code
 * without a view here is a type error, so nothing can fall through.
 */
function viewFor(status: PaymentStatus, t: Messages, locale: Locale, timeZone: string): View {
  const v = t.status.views;
  const date = (d: string) => formatDate(d, locale);
  switch (status.code) {
    case "posted":
      return {
        tone: "ok",
        body: v.posted.body(date(status.postedOn)),
        extra: status.overpaidFen ? [t.settled.overpaid(formatFen(status.overpaidFen))] : undefined,
        doNotPayAgain: true,
        canReport: false,
      };
    case "pending":
      return status.expectedDate
        ? { tone: "info", body: v.pending.body(date(status.expectedDate)), doNotPayAgain: true, canReport: false, expectedDate: status.expectedDate }
        : { tone: "info", body: v.pending.unknownYear(status.unknownYear ?? 0), doNotPayAgain: true, canReport: false };
    case "awaiting_bank":
      return { tone: "warn", body: v.awaiting_bank.body(formatDayTime(status.retryAt, locale, timeZone)), doNotPayAgain: true, canReport: false };
    case "overdue":
      return { tone: "warn", body: v.overdue.body(date(status.expectedDate)), doNotPayAgain: true, canReport: true, expectedDate: status.expectedDate };
    case "amount_mismatch":
      return {
        tone: "warn",
        body: v.amount_mismatch.body(status.dueFen, status.settledFen),
        extra: [
          ...(status.feeChange ? [v.amount_mismatch.feeChange(date(status.feeChange.changedOn), status.feeChange.previousFen)] : []),
          status.differenceFen > 0 ? v.amount_mismatch.topUp : v.amount_mismatch.refund,
        ],
        doNotPayAgain: false,
        canReport: true,
      };
    case "duplicate":
      return { tone: "warn", body: v.duplicate.body(status.settlementCount, status.refundableFen), doNotPayAgain: true, canReport: true };
    case "refund_pending":
      return { tone: "info", body: v.refund_pending.body(status.refundFen), extra: status.expectedDate ? [t.care.refundBy(date(status.expectedDate))] : undefined, doNotPayAgain: false, canReport: true };
    case "refunded":
      return { tone: "info", body: v.refunded.body(status.refundFen, status.refundedOn && date(status.refundedOn)), doNotPayAgain: false, canReport: true };
    case "unpaid":
      return { tone: "bad", body: v.unpaid.body, doNotPayAgain: false, canReport: true };
    case "voided":
      return { tone: "bad", body: v.voided.body, doNotPayAgain: false, canReport: true };
    case "not_found":
      return { tone: "warn", body: v.not_found.body, doNotPayAgain: true, canReport: true };
    default:
      return assertNever(status);
  }
}

/** The report button names what the resident is asking for (issue 18), not just "report a problem". */
function actionLabel(status: PaymentStatus, t: Messages): string {
  const a = t.resident.actions;
  switch (status.code) {
    case "amount_mismatch":
      return status.differenceFen > 0 ? a.amount_mismatch_topUp : a.amount_mismatch_refund;
    case "overdue":
    case "duplicate":
    case "refund_pending":
    case "refunded":
    case "unpaid":
    case "voided":
    case "not_found":
      return a[status.code];
    default:
      return t.status.reportProblem;
  }
}

function assertNever(value: never): never {
  throw new Error(`unhandled payment status ${(value as { code: StatusCode }).code}`);
}

type Props = {
  receiptNo: string;
  receipt: PublicReceipt | null;
  status: PaymentStatus;
  incidents: Incident[];
  t: Messages;
  locale: Locale;
  timeZone: string;
  reportHref: string;
  /** A payment channel's confirmation (issue 14), shown while the payment waits for its statement. */
  confirmation?: PublicConfirmation | null;
  /** "Tell me when it posts": the form, or the note that this browser subscribed (the page decides which). */
  subscription?: ReactNode;
  /** The payment certificate's download link (posted only). */
  certificateHref?: string;
  /** The tickets already made for this receipt, to reopen on this device (the page decides who sees them). */
  receiptTickets?: ReactNode;
  /** The refunds case for an excess (paid twice or too much), as its progress. */
  refund?: RefundProgress | null;
};

export function StatusView({ receiptNo, receipt, status, incidents, t, locale, timeZone, reportHref, confirmation = null, subscription, certificateHref, receiptTickets, refund = null }: Props) {
  const view = viewFor(status, t, locale, timeZone);
  const showConfirmation = confirmation && (status.code === "pending" || status.code === "overdue");
  const title = t.status.views[status.code].title;
  return (
    <section aria-labelledby="status-title">
      <p className="mb-1 text-base text-gray-700">{t.status.heading}</p>
      <div data-status={status.code} data-expected-date={view.expectedDate} className="mb-6">
        <h1 id="status-title" className="mb-4 text-3xl font-bold">
          {title}
        </h1>
        <Notice tone={view.tone}>
          <p>{view.body}</p>
          {view.extra?.map((line) => (
            <p key={line} className="mt-2">
              {line}
            </p>
          ))}
          {status.code === "posted" && status.batchDate && (
            <BatchSettlement batchDate={status.batchDate} creditDate={status.postedOn} channel={receipt?.channel ?? ""} t={t} locale={locale} />
          )}
          {view.doNotPayAgain && <p className="mt-2 font-bold">{t.status.doNotPayAgain}</p>}
        </Notice>
      </div>

      {/* The next step comes before the details (issue 18), so it is on the first screen of a phone. */}
      <div className="mb-6 flex flex-wrap gap-4">
        {!view.canReport && (status.code === "pending" || status.code === "awaiting_bank") && (
          <a href={reportHref} data-report-link className="inline-flex min-h-12 items-center text-lg text-brand underline">
            {t.status.reportProblem}
          </a>
        )}
        {view.canReport && (
          <a href={reportHref} data-next-step className="inline-flex min-h-12 items-center rounded-md bg-brand px-6 py-3 text-lg font-semibold text-white">
            {actionLabel(status, t)}
          </a>
        )}
        <a href="/" className="inline-flex min-h-12 items-center text-lg text-brand underline">
          {t.status.lookupAnother}
        </a>
      </div>
      <StatusNextSteps status={status} t={t} reportHref={reportHref} certificateHref={certificateHref} />
      <PaymentsReceived status={status} refund={refund} t={t} locale={locale} timeZone={timeZone} />

      {showConfirmation && (
        <ChannelConfirmation confirmation={confirmation} expectedDate={status.code === "pending" || status.code === "overdue" ? status.expectedDate : null} t={t} locale={locale} timeZone={timeZone} />
      )}

      {incidents.map((incident) => (
        <div key={incident.id} data-incident={incident.id}>
          <Notice tone="info">
            <h2 className="mb-1 text-xl font-bold">{t.status.incidentTitle}</h2>
            <p>{locale === "en" ? incident.messageEn : incident.messageZh}</p>
            <p className="mt-2">{t.status.incidentNoAction}</p>
          </Notice>
        </div>
      ))}

      <dl className="mb-6 grid grid-cols-1 gap-x-6 gap-y-2 text-lg sm:grid-cols-[max-content_1fr]">
        <dt className="font-semibold">{t.status.receiptNo}</dt>
        <dd className="break-all">{receiptNo}</dd>
        {receipt && (
          <>
            <dt className="font-semibold">{t.status.service}</dt>
            <dd>{locale === "en" ? receipt.serviceEn : receipt.serviceZh}</dd>
            <dt className="font-semibold">{t.status.payer}</dt>
            <dd>{receipt.payerMasked}</dd>
            <dt className="font-semibold">{t.status.amountDue}</dt>
            <dd>{formatFen(receipt.amountDueFen)}</dd>
            {/* Paid in parts or twice: the payments are listed above, one "amount paid" would say less than was taken (issue 18 item 2). */}
            {receipt.amountPaidFen !== null && !("payments" in status && status.payments) && (
              <>
                <dt className="font-semibold">{t.status.amountPaid}</dt>
                <dd>{formatFen(receipt.amountPaidFen)}</dd>
              </>
            )}
            {/* Issue 18: an unpaid receipt names no channel, so the page never reads as "pay through this one". */}
            {status.code !== "unpaid" && (
              <>
                <dt className="font-semibold">{t.status.channel}</dt>
                <dd>{locale === "en" ? receipt.channelEn : receipt.channelZh}</dd>
              </>
            )}
            {receipt.paidAt && (
              <>
                <dt className="font-semibold">{t.status.paidAt}</dt>
                <dd>{formatDateTime(receipt.paidAt, locale, timeZone)}</dd>
              </>
            )}
          </>
        )}
      </dl>

      {subscription}

      {receiptTickets}
    </section>
  );
}
