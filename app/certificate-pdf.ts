import "server-only";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import PDFDocument from "pdfkit";
import QRCode from "qrcode";
import type { CertificateFields } from "@/lib/certificate";
import type { Messages } from "@/lib/i18n";
import { formatDate } from "@/lib/i18n/format";
import type { Locale } from "@/lib/i18n";
import { formatFen } from "@/lib/money";

/**
 * The CJK font the certificate is set in: Noto Sans CJK (Debian/Ubuntu fonts-noto-cjk, Fedora, Arch).
 * The collection is about 20 MB: it is read once per process and kept; pdfkit embeds only the
 * glyphs a certificate uses (a subset of about 50 KB).
 */
const CJK_FONTS = [
  "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
  "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
  "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
];
const CJK_FAMILY = "NotoSansCJKsc-Regular";

let font: Promise<Buffer | null> | undefined;
function cjkFont(): Promise<Buffer | null> {
  font ??= (async () => {
    const path = CJK_FONTS.find((p) => existsSync(p));
    return path ? readFile(path) : null;
  })();
  return font;
}

/** Whether the certificate can be set in Chinese here; without the font it is issued in English. */
export async function certificateLocale(locale: Locale): Promise<Locale> {
  return (await cjkFont()) ? locale : "en";
}

/** A one-page A4 certificate: the fields, and a QR code of the signed verification link. */
export async function certificatePdf(fields: CertificateFields, verifyUrl: string, t: Messages, locale: Locale): Promise<Buffer> {
  const [fontBytes, qr] = await Promise.all([cjkFont(), QRCode.toBuffer(verifyUrl, { errorCorrectionLevel: "M", margin: 1, width: 300 })]);
  const c = t.care.certificate;
  const doc = new PDFDocument({ size: "A4", margin: 56, info: { Title: c.title, Producer: c.issuer, Creator: c.issuer } });
  const chunks: Buffer[] = [];
  doc.on("data", (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<void>((resolve, reject) => {
    doc.on("end", resolve);
    doc.on("error", reject);
  });
  if (fontBytes) doc.font(fontBytes, CJK_FAMILY);
  else doc.font("Helvetica");

  doc.fontSize(26).text(c.title, { align: "center" }).moveDown(0.5);
  doc.fontSize(13).text(c.intro, { align: "center" }).moveDown(1.5);
  const rows: [string, string][] = [
    [c.receiptNo, fields.receiptMasked],
    [c.service, fields.service],
    [c.amount, formatFen(fields.amountFen)],
    [c.postedOn, formatDate(fields.postedOn, locale)],
    [c.id, fields.id],
  ];
  const left = doc.page.margins.left;
  for (const [label, value] of rows) {
    const y = doc.y;
    doc.fontSize(14).text(label, left, y, { width: 150 });
    doc.text(value, left + 160, y, { width: 320 });
    doc.moveDown(0.8);
  }
  doc.moveDown(1);
  const qrY = doc.y;
  doc.image(qr, left, qrY, { width: 130 });
  doc.fontSize(11).text(c.scan, left + 145, qrY + 50, { width: 300 });
  doc.fontSize(11).text(c.issuer, left, qrY + 160);
  doc.end();
  await done;
  return Buffer.concat(chunks);
}
