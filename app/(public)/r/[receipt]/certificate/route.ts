import { publicBaseUrl } from "@/app/base-url";
import { certificateLocale, certificatePdf } from "@/app/certificate-pdf";
import { requestLocale } from "@/app/locale";
import { publicStatus } from "@/db/queries/status";
import { certificateFields, certificateLink } from "@/lib/certificate";
import { env } from "@/lib/env";
import { messages } from "@/lib/i18n";
import { checkReceiptNo } from "@/lib/receipt-number";
import { receiptAccess } from "../../../receipt-access";

/**
 * The payment certificate (缴费证明) of a posted receipt, as a PDF download. The same rule as the
 * status page: the receipt's QR token or a remembered lookup, checked before anything is read.
 */
export async function GET(request: Request, { params }: { params: Promise<{ receipt: string }> }) {
  const config = env();
  const checked = checkReceiptNo((await params).receipt, config.receiptFormat);
  if (!checked.ok) return new Response(null, { status: 404 });
  const token = new URL(request.url).searchParams.get("t") ?? undefined;
  const { viaToken, viaLookup } = await receiptAccess(checked.receiptNo, token);
  if (!viaToken && !viaLookup) return new Response(null, { status: 404 });

  const result = await publicStatus(checked.receiptNo, { now: new Date(), timeZone: config.TZ });
  if (!result || result.status.code !== "posted") return new Response(null, { status: 404 });
  const locale = await certificateLocale((await requestLocale()).locale);
  const service = locale === "en" ? result.receipt.serviceEn : result.receipt.serviceZh;
  const fields = certificateFields(config.RECEIPT_LINK_SECRET, checked.receiptNo, service, result.status.amountFen, result.status.postedOn);
  const pdf = await certificatePdf(fields, certificateLink(await publicBaseUrl(), config.RECEIPT_LINK_SECRET, fields), messages(locale), locale);
  return new Response(new Uint8Array(pdf), {
    headers: {
      "Content-Type": "application/pdf",
      "Content-Disposition": `attachment; filename="certificate-${fields.id}.pdf"`,
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
