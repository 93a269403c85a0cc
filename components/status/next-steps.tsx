import type { Messages } from "@/lib/i18n";
import { formatFen } from "@/lib/money";
import type { PaymentStatus } from "@/lib/status";

type Props = { status: PaymentStatus; t: Messages; reportHref: string; certificateHref?: string };

const link = "inline-flex min-h-12 items-center text-lg text-brand underline";

/**
 * Issue 18 item 6: what a resident can do next on pages that used to end in a sentence —
 * a payment certificate and the invoice form once posted, how to pay a missing difference.
 */
export function StatusNextSteps({ status, t, reportHref, certificateHref }: Props) {
  if (status.code === "posted") {
    return (
      <div className="mb-6 flex flex-col gap-2" data-next-steps="posted">
        {certificateHref && (
          <>
            <a href={certificateHref} download data-certificate-link className="inline-flex min-h-12 items-center self-start rounded-md bg-brand px-6 py-3 text-lg font-semibold text-white">
              {t.care.certificate.download}
            </a>
            <p className="text-base text-gray-700">{t.care.certificate.hint}</p>
          </>
        )}
        <a href={reportHref} data-invoice-link className={`${link} self-start`}>
          {t.care.invoice}
        </a>
      </div>
    );
  }
  if (status.code === "amount_mismatch" && status.differenceFen > 0) {
    return (
      <section aria-labelledby="pay-difference" data-pay-difference={status.differenceFen} className="mb-6 rounded-md border-2 border-gray-300 p-4">
        <h2 id="pay-difference" className="mb-2 text-xl font-bold">
          {t.care.payDifference.title}
        </h2>
        <p className="mb-2 text-lg">{t.care.payDifference.body(formatFen(status.differenceFen))}</p>
        <a href={reportHref} className={link}>
          {t.care.payDifference.report}
        </a>
      </section>
    );
  }
  return null;
}
