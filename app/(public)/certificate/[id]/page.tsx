import { Notice } from "@/components/ui/notice";
import { requestLocale } from "@/app/locale";
import { verifyCertificateLink } from "@/lib/certificate";
import { env } from "@/lib/env";
import { formatDate } from "@/lib/i18n/format";
import { formatFen } from "@/lib/money";

type Props = { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

/**
 * A payment certificate's QR code opens this page: it checks the link's signature and shows the
 * certificate's own fields, nothing more (no database read, no payer, no full receipt number).
 */
export default async function CertificateVerificationPage({ params, searchParams }: Props) {
  const [{ id }, query, { locale, t }] = await Promise.all([params, searchParams, requestLocale()]);
  const c = t.care.certificate;
  const fields = verifyCertificateLink(env().RECEIPT_LINK_SECRET, id, query);
  return (
    <section aria-labelledby="verify-title">
      <h1 id="verify-title" className="mb-4 text-3xl font-bold">
        {c.verifyTitle}
      </h1>
      {fields ? (
        <div data-certificate-valid={fields.id}>
          <Notice tone="ok">{c.verifyOk}</Notice>
          <dl className="mb-6 grid grid-cols-1 gap-x-6 gap-y-2 text-lg sm:grid-cols-[max-content_1fr]">
            <dt className="font-semibold">{c.receiptNo}</dt>
            <dd className="break-all">{fields.receiptMasked}</dd>
            <dt className="font-semibold">{c.service}</dt>
            <dd>{fields.service}</dd>
            <dt className="font-semibold">{c.amount}</dt>
            <dd>{formatFen(fields.amountFen)}</dd>
            <dt className="font-semibold">{c.postedOn}</dt>
            <dd>{formatDate(fields.postedOn, locale)}</dd>
            <dt className="font-semibold">{c.id}</dt>
            <dd>{fields.id}</dd>
          </dl>
        </div>
      ) : (
        <div data-certificate-valid="false">
          <Notice tone="bad">{c.verifyBad}</Notice>
        </div>
      )}
    </section>
  );
}
