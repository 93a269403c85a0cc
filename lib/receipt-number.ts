/**
 * Receipt numbers as residents type them: full-width digits from Chinese input
 * methods, spaces and hyphens copied from the printed receipt. Normalised
 * before anything else, then checked against the issuer's format so that a
 * typo is caught before any database query.
 */

export type CheckAlgorithm = "luhn" | "none";

export type ReceiptFormat = {
  /** Anchored pattern the normalised number must match. */
  pattern: RegExp;
  check: CheckAlgorithm;
};

/** Default issuer format: 16 digits, the last a Luhn check digit. */
export const DEFAULT_RECEIPT_FORMAT: ReceiptFormat = { pattern: /^\d{16}$/, check: "luhn" };

// Hyphen-like characters that survive NFKC: hyphen, non-breaking hyphen,
// figure dash, en and em dash, minus sign, and the ASCII hyphen-minus.
const SEPARATORS = /[\s\-\u2010-\u2015\u2212\u30fc]/gu;

export function normaliseReceiptNo(input: string): string {
  return input.normalize("NFKC").replace(SEPARATORS, "").toUpperCase();
}

export function luhnValid(digits: string): boolean {
  if (!/^\d+$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** Appends the Luhn check digit to a payload of digits. */
export function withLuhnDigit(payload: string): string {
  for (let d = 0; d <= 9; d++) {
    if (luhnValid(payload + d)) return payload + d;
  }
  throw new Error("unreachable: one Luhn digit always fits");
}

export type ReceiptCheck =
  | { ok: true; receiptNo: string }
  | { ok: false; code: "invalid" | "mistyped"; receiptNo: string };

/** `invalid`: empty or absurd input; `mistyped`: the shape of a receipt number with a wrong digit or length. */
export function checkReceiptNo(input: string, format: ReceiptFormat = DEFAULT_RECEIPT_FORMAT): ReceiptCheck {
  const receiptNo = normaliseReceiptNo(input);
  if (receiptNo === "" || receiptNo.length > 64 || !/^[0-9A-Z]+$/.test(receiptNo)) {
    return { ok: false, code: "invalid", receiptNo };
  }
  if (!format.pattern.test(receiptNo)) return { ok: false, code: "mistyped", receiptNo };
  if (format.check === "luhn" && !luhnValid(receiptNo)) return { ok: false, code: "mistyped", receiptNo };
  return { ok: true, receiptNo };
}

/** Reads an issuer format from configuration (`RECEIPT_NO_PATTERN`, `RECEIPT_NO_CHECK`). */
export function receiptFormatFrom(pattern: string | undefined, check: string | undefined): ReceiptFormat {
  const source = pattern ? `^(?:${pattern})$` : DEFAULT_RECEIPT_FORMAT.pattern.source;
  const algorithm = (check ?? DEFAULT_RECEIPT_FORMAT.check) as CheckAlgorithm;
  if (algorithm !== "luhn" && algorithm !== "none") throw new Error(`unknown check algorithm "${String(algorithm)}"`);
  return { pattern: new RegExp(source), check: algorithm };
}
