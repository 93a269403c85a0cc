import type { RefundProgress } from "@/db/queries/status";
import type { Locale, Messages } from "@/lib/i18n";
import { formatDate, formatZonedDate } from "@/lib/i18n/format";
import { formatFen } from "@/lib/money";
import type { PaymentStatus } from "@/lib/status";

type Props = { status: PaymentStatus; refund: RefundProgress | null; t: Messages; locale: Locale; timeZone: string };

const STAGES = ["accepted", "in_progress", "done"] as const;

/**
 * Issue 16 and issue 18 item 2: a receipt paid in parts, twice or too much lists each payment
 * taken for it (amount and date only: these are the resident's own payments, nothing of anyone
 * else), the part still missing or the excess, and the refund case's progress.
 */
export function PaymentsReceived({ status, refund, t, locale, timeZone }: Props) {
  const s = t.settled;
  const payments = "payments" in status ? (status.payments ?? []) : [];
  const excessFen = status.code === "duplicate" ? status.refundableFen : status.code === "posted" ? (status.overpaidFen ?? 0) : 0;
  if (payments.length === 0 && excessFen <= 0) return null;
  const total = payments.reduce((sum, p) => sum + p.amountFen, 0);
  return (
    <>
      {payments.length > 0 && (
        <section aria-labelledby="payments-received" data-payments={payments.length} className="mb-6 rounded-md border-2 border-gray-300 p-4">
          <h2 id="payments-received" className="mb-2 text-xl font-bold">
            {s.paymentsTitle}
          </h2>
          <ol className="mb-2 list-none text-lg">
            {payments.map((p, i) => (
              <li key={`${p.valueDate}-${i}`} data-payment-fen={p.amountFen} data-payment-date={p.valueDate}>
                {s.payment(i + 1, formatFen(p.amountFen), formatDate(p.valueDate, locale))}
              </li>
            ))}
          </ol>
          <p className="text-lg font-semibold">{s.total(formatFen(total))}</p>
          {status.code === "amount_mismatch" && status.differenceFen > 0 && (
            <p className="text-lg font-semibold" data-still-missing={status.differenceFen}>
              {s.stillMissing(formatFen(status.differenceFen))}
            </p>
          )}
        </section>
      )}
      {excessFen > 0 && (
        <section aria-labelledby="refund-progress" data-refund-progress={refund?.stage ?? "none"} data-refund-fen={excessFen} className="mb-6 rounded-md border-2 border-gray-300 p-4">
          <h2 id="refund-progress" className="mb-2 text-xl font-bold">
            {s.refundTitle}
          </h2>
          <p className="mb-2 text-lg">{s.refundAmount(formatFen(excessFen))}</p>
          {refund ? (
            <>
              <ol className="mb-2 flex flex-wrap gap-2 text-base" aria-label={s.refundTitle}>
                {STAGES.map((stage) => {
                  const reached = STAGES.indexOf(stage) <= STAGES.indexOf(refund.stage);
                  return (
                    <li key={stage} aria-current={stage === refund.stage ? "step" : undefined} className={`rounded-md px-3 py-1 ${reached ? "bg-brand font-semibold text-white" : "bg-gray-100 text-gray-700"}`}>
                      {s.stages[stage]}
                    </li>
                  );
                })}
              </ol>
              <p className="text-lg">{s.acceptedOn(formatZonedDate(refund.openedAt, locale, timeZone))}</p>
              {refund.stage !== "done" && refund.dueAt && <p className="text-lg">{s.dueBy(formatZonedDate(refund.dueAt, locale, timeZone))}</p>}
              {refund.doneAt && <p className="text-lg">{s.doneOn(formatZonedDate(refund.doneAt, locale, timeZone))}</p>}
            </>
          ) : (
            <p className="text-lg">{s.noCase}</p>
          )}
        </section>
      )}
    </>
  );
}
