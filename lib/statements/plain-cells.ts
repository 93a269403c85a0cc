import type { DateFormat } from "./fields";

/**
 * Cells in their plain, canonical form ("25.00", "2026-11-04", text without
 * odd white space), as the import's COPY lane (db/import/copy-lane.ts) reads
 * them: a row whose every cell passes is converted in SQL, every other row
 * goes through the parser's own rules, which stay the single source of truth
 * for what is accepted and why a line is rejected. Each test here is stricter
 * than the parser's rule for the same field, and the lane's SQL conversion of
 * a cell that passes gives exactly what the parser would: when in doubt a row
 * goes to the parser, never the other way round.
 *
 * The tests run in Node while the file streams to PostgreSQL's COPY, on the
 * other core: the same tests as SQL expressions over every row cost the
 * database 6 s for 1,000,000 receipts (regular expressions and translate()
 * per cell), more than the COPY itself.
 */

/** Text the parser stores unchanged (textField): no control characters, no white space but single inner spaces, within `maxBytes` of UTF-8. */
export function plainText(cell: string, maxBytes: number): boolean {
  return !NOT_PLAIN_TEXT.test(cell) && utf8Length(cell, maxBytes) <= maxBytes;
}
// One pass: a control character or odd white space anywhere, a space at either end, or two in a row.
const NOT_PLAIN_TEXT = /[\u0000-\u001f\u007f\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]|^ | $| {2}/;

/** Text textField returns as it is (plainText without the length). */
export const tidyText = (cell: string) => cell !== "" && !NOT_PLAIN_TEXT.test(cell);

/** The UTF-8 length of `text`, exact up to `limit` (a string of n UTF-16 units is at most 3n bytes). */
function utf8Length(text: string, limit: number): number {
  return text.length * 3 <= limit ? text.length : Buffer.byteLength(text, "utf8");
}

/**
 * Yuan with up to two decimals, thousands separators only where parseYuan puts them ("1,234.50"), at most 8 digits
 * before the point: /^[0-9]+(\.[0-9][0-9]?)?$/ or /^[0-9]{1,3}(,[0-9]{3})+(\.[0-9][0-9]?)?$/, by hand (two regular
 * expressions and the digit count cost twice as much, on two cells of every receipt).
 */
export function plainAmount(cell: string): boolean {
  const n = cell.length;
  let digits = 0;
  // digits since the last comma; -1 before the first
  let group = -1;
  let i = 0;
  for (; i < n; i++) {
    const c = cell.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      digits++;
      if (group >= 0) group++;
    } else if (c === 44) {
      if (group >= 0 ? group !== 3 : digits > 3 || digits === 0) return false;
      group = 0;
    } else break;
  }
  if (digits === 0 || digits > 8 || (group >= 0 && group !== 3)) return false;
  if (i === n) return true;
  if (cell.charCodeAt(i) !== 46 /* . */ || n - i - 1 < 1 || n - i - 1 > 2) return false;
  for (i++; i < n; i++) {
    const c = cell.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** The fen of a plain amount (what parseYuan gives for it), or -1 when the cell is not one. */
export function plainFen(cell: string): number {
  if (!plainAmount(cell)) return -1;
  let fen = 0;
  let decimals = -1;
  for (let i = 0; i < cell.length; i++) {
    const c = cell.charCodeAt(i);
    if (c === 46) decimals = 0;
    else if (c !== 44) {
      fen = fen * 10 + c - 48;
      if (decimals >= 0) decimals++;
    }
  }
  return decimals === 1 ? fen * 10 : decimals <= 0 ? fen * 100 : fen;
}

/** A plain amount above zero. */
export const plainPositiveAmount = (cell: string) => plainAmount(cell) && /[1-9]/.test(cell);

/** Exactly `length` ASCII digits. */
export function digitsOnly(cell: string, length: number): boolean {
  if (cell.length !== length) return false;
  for (let i = 0; i < length; i++) {
    const c = cell.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

export type PlainDateFormat = Exclude<DateFormat, "year-first">;

/** A date in one of the profiles' formats, two-digit month and day only, of a real calendar day in 1900–2099. */
export function plainDate(cell: string, format: PlainDateFormat): boolean {
  if (format === "YYYYMMDD") return digitsOnly(cell, 8) && realDay(cell, 0, 4, 6);
  const separator = format === "YYYY-MM-DD" ? 45 : 47;
  return cell.length === 10 && cell.charCodeAt(4) === separator && cell.charCodeAt(7) === separator && digitsAt(cell, [0, 1, 2, 3, 5, 6, 8, 9]) && realDay(cell, 0, 5, 8);
}

/** ISO 8601 to the second with Z or ±hh:mm (offset up to 14:59), as the billing system writes it. */
export function plainInstant(cell: string): boolean {
  const zulu = cell.length === 20 && cell.charCodeAt(19) === 90; /* Z */
  if (!zulu && cell.length !== 25) return false;
  if (cell.charCodeAt(4) !== 45 || cell.charCodeAt(7) !== 45 || cell.charCodeAt(10) !== 84 /* T */ || cell.charCodeAt(13) !== 58 || cell.charCodeAt(16) !== 58) return false;
  if (!digitsAt(cell, [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18]) || !realDay(cell, 0, 5, 8)) return false;
  if (twoDigits(cell, 11) > 23 || twoDigits(cell, 14) > 59 || twoDigits(cell, 17) > 59) return false;
  if (zulu) return true;
  const sign = cell.charCodeAt(19);
  return (sign === 43 || sign === 45) && cell.charCodeAt(22) === 58 && digitsAt(cell, [20, 21, 23, 24]) && twoDigits(cell, 20) <= 14 && twoDigits(cell, 23) <= 59;
}

/** A payer account as exports print it: digits, masked digits ("*") and spaces or hyphens between groups ("6222 **** **** 1234"). */
export const plainAccount = (cell: string) => /^[0-9* -]*$/.test(cell);

function digitsAt(cell: string, at: number[]): boolean {
  for (const i of at) {
    const c = cell.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

const twoDigits = (cell: string, at: number) => (cell.charCodeAt(at) - 48) * 10 + cell.charCodeAt(at + 1) - 48;

/** Year 1900–2099, month 1–12, day within the month; the digits are checked by the caller. */
function realDay(cell: string, year: number, month: number, day: number): boolean {
  const century = twoDigits(cell, year);
  if (century !== 19 && century !== 20) return false;
  const y = century * 100 + twoDigits(cell, year + 2);
  const m = twoDigits(cell, month);
  const d = twoDigits(cell, day);
  if (m < 1 || m > 12 || d < 1) return false;
  const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  return d <= (m === 2 ? (leap ? 29 : 28) : m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31);
}

/**
 * The cells of one CSV line as PostgreSQL's CSV reader gives them, or null when the line quotes in any way
 * but whole cells wrapped in quotes with no quote inside ("1,234.50"): the parser's rules read those lines.
 * The line has no line break (the lane refuses cells that span lines).
 */
export function splitPlainLine(line: string, out: string[]): string[] | null {
  out.length = 0;
  if (!line.includes('"')) {
    let from = 0;
    for (let comma = line.indexOf(","); comma >= 0; comma = line.indexOf(",", from)) {
      out.push(line.slice(from, comma));
      from = comma + 1;
    }
    out.push(line.slice(from));
    return out;
  }
  let from = 0;
  for (;;) {
    if (line.charCodeAt(from) === 34) {
      const close = line.indexOf('"', from + 1);
      if (close < 0) return null;
      const after = line.charCodeAt(close + 1);
      // "" inside quotes, or text after the closing quote: not plain
      if (close + 1 < line.length && after !== 44) return null;
      out.push(line.slice(from + 1, close));
      if (close + 1 >= line.length) return out;
      from = close + 2;
      continue;
    }
    const comma = line.indexOf(",", from);
    const cell = comma < 0 ? line.slice(from) : line.slice(from, comma);
    if (cell.includes('"')) return null;
    out.push(cell);
    if (comma < 0) return out;
    from = comma + 1;
  }
}
