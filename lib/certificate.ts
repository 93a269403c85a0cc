import { createHmac, timingSafeEqual } from "node:crypto";
import type { IsoDate } from "./dates";

/**
 * The payment certificate (缴费证明) of a posted receipt, and the signed link
 * its QR code carries. The link holds exactly what the certificate shows —
 * the receipt number masked, the amount, the fee type, the posting date and
 * the certificate id — signed with RECEIPT_LINK_SECRET like the receipt QR
 * links (SPEC §3.2), under its own prefix so one can never stand for the other.
 * The verification page shows the signed fields and nothing else: scanning a
 * certificate reveals no more than reading it.
 */
export type CertificateFields = {
  id: string;
  receiptMasked: string;
  amountFen: number;
  /** The fee type (缴费项目) as printed on the certificate, in the language it was issued in. */
  service: string;
  postedOn: IsoDate;
};

/** The first four and last four characters: enough to tell two receipts apart, not enough to look one up. */
export function maskReceiptNo(receiptNo: string): string {
  const chars = [...receiptNo];
  if (chars.length <= 8) return "*".repeat(chars.length);
  return `${chars.slice(0, 4).join("")}${"*".repeat(chars.length - 8)}${chars.slice(-4).join("")}`;
}

/** A stable id per posting: the same receipt, amount and date always make the same certificate (`JF-XXXX-XXXX-XXXX`). */
export function certificateId(secret: string, receiptNo: string, amountFen: number, postedOn: IsoDate): string {
  const hex = createHmac("sha256", secret).update(`cid1:${receiptNo}:${amountFen}:${postedOn}`).digest("hex").slice(0, 12).toUpperCase();
  return `JF-${hex.slice(0, 4)}-${hex.slice(4, 8)}-${hex.slice(8, 12)}`;
}

export function certificateFields(secret: string, receiptNo: string, service: string, amountFen: number, postedOn: IsoDate): CertificateFields {
  return { id: certificateId(secret, receiptNo, amountFen, postedOn), receiptMasked: maskReceiptNo(receiptNo), amountFen, service, postedOn };
}

function signature(secret: string, f: CertificateFields): string {
  return createHmac("sha256", secret).update(`c1:${f.id}:${f.receiptMasked}:${f.amountFen}:${f.service}:${f.postedOn}`).digest("base64url").slice(0, 22);
}

/** `/certificate/JF-…?n=2026********0011&a=2500&s=户籍业务&d=2026-11-19&t=…` under the public origin. */
export function certificateLink(baseUrl: string, secret: string, f: CertificateFields): string {
  const url = new URL(`/certificate/${encodeURIComponent(f.id)}`, baseUrl);
  url.searchParams.set("n", f.receiptMasked);
  url.searchParams.set("a", String(f.amountFen));
  url.searchParams.set("s", f.service);
  url.searchParams.set("d", f.postedOn);
  url.searchParams.set("t", signature(secret, f));
  return url.toString();
}

type Query = Record<string, string | string[] | undefined>;

/** The fields of a verification link, or null unless every one is well-formed and the signature matches (constant-time). */
export function verifyCertificateLink(secret: string, id: string, query: Query): CertificateFields | null {
  const one = (k: string) => (typeof query[k] === "string" ? (query[k]) : null);
  const [n, a, s, d, t] = ["n", "a", "s", "d", "t"].map(one);
  if (!n || !a || !s || !d || !t) return null;
  if (!/^JF-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}$/.test(id) || !/^[0-9A-Za-z*]{1,40}$/.test(n) || !/^\d{1,12}$/.test(a) || !/^[^\p{C}]{1,60}$/u.test(s) || !/^\d{4}-\d{2}-\d{2}$/.test(d)) return null;
  const fields: CertificateFields = { id, receiptMasked: n, amountFen: Number(a), service: s, postedOn: d };
  const expected = Buffer.from(signature(secret, fields));
  const given = Buffer.from(t);
  return expected.length === given.length && timingSafeEqual(expected, given) ? fields : null;
}
