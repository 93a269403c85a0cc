import { fill, type Messages } from "@/lib/i18n";

type Voucher = { id: number; contentType: string };

/** The resident's proofs beside a correction form: images shown, PDFs as downloads; served by /staff/corrections/vouchers/ID. */
export function VoucherPanel({ vouchers, t }: { vouchers: Voucher[]; t: Messages }) {
  const c = t.backOffice.corrections;
  return (
    <section aria-labelledby="vouchers-title" data-vouchers className="rounded-md border-2 border-gray-300 p-4">
      <h2 id="vouchers-title" className="mb-3 text-xl font-bold">
        {c.vouchers}
      </h2>
      {vouchers.length === 0 ? (
        <p data-no-vouchers>{c.noVouchers}</p>
      ) : (
        <ul className="space-y-4">
          {vouchers.map((v, i) => {
            const href = `/staff/corrections/vouchers/${v.id}`;
            const label = fill(v.contentType === "application/pdf" ? c.voucherPdf : c.voucher, { n: i + 1 });
            return (
              <li key={v.id} data-voucher={v.id}>
                {v.contentType.startsWith("image/") && (
                  // eslint-disable-next-line @next/next/no-img-element -- a private, per-request file: next/image would cache it
                  <img src={href} alt={label} className="mb-2 max-h-96 w-auto border border-gray-300" />
                )}
                <a href={href} className="font-semibold text-brand underline">
                  {label}
                </a>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
