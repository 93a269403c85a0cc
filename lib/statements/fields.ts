import { isIsoDate, type IsoDate } from "../dates";
import { parseYuan } from "../money";
import { plainDate, plainFen, tidyText } from "./plain-cells";

/**
 * Field rules shared by the statement parsers. Each returns either a value or
 * a short reason that ends up, with the line number, in the import summary.
 */

export type Field<T> = { ok: true; value: T } | { ok: false; reason: string };

const MONEY_REASONS = {
  empty: "is empty",
  format: "is not an amount in yuan",
  negative: "is negative",
  too_large: "is too large",
} as const;

/** A yuan amount as text ("1,234.50", "25", "25.000" from ISO 20022) to fen; never through a float. */
export function amountField(name: string, raw: string): Field<number> {
  // A plain amount ("25.00") reads the same by both; the char loop is a fifth of the rule's regular expressions.
  const plain = plainFen(raw);
  if (plain >= 0) return { ok: true, value: plain };
  // ISO 20022 and some exports pad decimals ("25.000"); zeros beyond the fen are harmless.
  const text = raw.trim().replace(/^(\d[\d,]*\.\d{2})0+$/, "$1");
  const parsed = parseYuan(text);
  if (!parsed.ok) return { ok: false, reason: `${name} "${clip(raw)}" ${MONEY_REASONS[parsed.reason]}` };
  return { ok: true, value: parsed.fen };
}

/** "year-first" is every form Chinese exports write, the year always first, a time of day allowed after it. */
export type DateFormat = "YYYY-MM-DD" | "YYYY/MM/DD" | "YYYYMMDD" | "year-first";

const TIME = String.raw`(?:[ T]+\d{1,2}:?\d{2}(?::?\d{2}(?:\.\d+)?)?)?`;
const DATE_PATTERNS: Record<DateFormat, RegExp> = {
  "YYYY-MM-DD": /^(\d{4})-(\d{1,2})-(\d{1,2})$/,
  "YYYY/MM/DD": /^(\d{4})\/(\d{1,2})\/(\d{1,2})$/,
  YYYYMMDD: /^(\d{4})(\d{2})(\d{2})$/,
  // 2025-08-22, 2025-08-22 14:03:11, 2025/8/22, 2025.8.22, 20240101, 20240101 120000, 2024年01月01日
  "year-first": new RegExp(String.raw`^(?:(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?|(\d{4})(\d{2})(\d{2}))${TIME}$`),
};

const DATE_EXAMPLES: Record<DateFormat, string> = { "YYYY-MM-DD": "YYYY-MM-DD", "YYYY/MM/DD": "YYYY/MM/DD", YYYYMMDD: "YYYYMMDD", "year-first": "e.g. 2025-08-22" };

/** A calendar date in the profile's format to `YYYY-MM-DD`; "2026/2/30" is refused, not rolled over. */
export function dateField(name: string, raw: string, format: DateFormat): Field<IsoDate> {
  // Already ISO and a real day (plain-cells): what the rule below gives, without its regular expression.
  if (format === "YYYY-MM-DD" && plainDate(raw, format)) return { ok: true, value: raw };
  const m = DATE_PATTERNS[format].exec(raw.trim());
  const [y, mo, d] = m ? (m[1] ? [m[1], m[2]!, m[3]!] : [m[4]!, m[5]!, m[6]!]) : ["", "", ""];
  const iso = m ? `${y}-${mo.padStart(2, "0")}-${d.padStart(2, "0")}` : "";
  if (!m || !isIsoDate(iso)) return { ok: false, reason: `${name} "${clip(raw)}" is not a date (${DATE_EXAMPLES[format]})` };
  return { ok: true, value: iso };
}

const ISO_INSTANT = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;

/** ISO 8601 with a UTC offset: a time without one is ambiguous by up to a day, so it is refused. */
export function instantField(name: string, raw: string): Field<Date> {
  const text = raw.trim();
  const m = ISO_INSTANT.exec(text);
  if (!m) return { ok: false, reason: `${name} "${clip(raw)}" is not an ISO 8601 time with offset (e.g. 2026-11-03T10:15:00+08:00)` };
  if (!isIsoDate(`${m[1]}-${m[2]}-${m[3]}`) || Number(m[4]) > 23 || Number(m[5]) > 59 || Number(m[6] ?? 0) > 59) {
    return { ok: false, reason: `${name} "${clip(raw)}" is not a valid time` };
  }
  const offset = m[7]!.length === 5 ? `${m[7]!.slice(0, 3)}:${m[7]!.slice(3)}` : m[7]!;
  const date = new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6] ?? "00"}${text.match(/\.\d+/)?.[0] ?? ""}${offset}`);
  if (Number.isNaN(date.getTime())) return { ok: false, reason: `${name} "${clip(raw)}" is not a valid time` };
  return { ok: true, value: date };
}

/** Only ASCII letters, digits and "*". */
function asciiAccount(raw: string): boolean {
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 42)) return false;
  }
  return true;
}

/**
 * Payer accounts are personal data: only the first 4 and last 4 digits are
 * stored, which is enough for a clerk to recognise an account. Short numbers
 * keep only their last 4 (or nothing) so masking never shows everything.
 */
export function maskAccount(raw: string): string | null {
  // ASCII letters, digits and "*" are their own NFKC form, with nothing to strip.
  const account = asciiAccount(raw) ? raw : raw.normalize("NFKC").replace(/[\s-]/g, "");
  if (account === "") return null;
  if (account.length > 8) return `${account.slice(0, 4)}${"*".repeat(account.length - 8)}${account.slice(-4)}`;
  if (account.length > 4) return `${"*".repeat(account.length - 4)}${account.slice(-4)}`;
  return "*".repeat(account.length);
}

/**
 * The account in a cell that may hold more: "张三 6222021234561234 中国农业银行" (ABC's 对手信息),
 * "6222****1234/张三" (CCB). A cell that is one account-like token is masked whole, as before;
 * otherwise the first run of 8+ digits (or masked digits) is; a name alone gives null.
 */
export function accountIn(raw: string): string | null {
  const text = raw.normalize("NFKC").replace(/[\s-]/g, "");
  if (/^[A-Za-z0-9*]*$/.test(text)) return maskAccount(text);
  const run = /[\d*]{8,}/.exec(text)?.[0];
  return run && /\d{4}/.test(run) ? maskAccount(run) : null;
}

/** Free text as stored: trimmed, inner runs of white space collapsed, empty as null. */
export function textField(raw: string | undefined, maxLength = 500): string | null {
  if (raw === undefined) return null;
  if (tidyText(raw)) return raw.length > maxLength ? raw.slice(0, maxLength) : raw;
  // Control characters never carry meaning in a statement and would blur the line identity.
  const text = raw.replace(/[\s\u0000-\u001f\u007f]+/g, " ").trim();
  return text === "" ? null : text.slice(0, maxLength);
}

/** Quotes a value in a reason without letting a long or odd cell flood the summary. */
export function clip(raw: string, max = 40): string {
  const one = raw.replace(/[\r\n\t]+/g, " ");
  return one.length > max ? `${one.slice(0, max)}…` : one;
}
