/**
 * CSV for people who open it in a spreadsheet. A cell that begins with
 * = + - @ tab or carriage return is a formula to Excel and LibreOffice
 * (OWASP "CSV injection"): such text cells get a leading apostrophe, which the
 * spreadsheet shows as text. Numbers are written as numbers, so a negative
 * amount stays a number. The file starts with a UTF-8 byte-order mark, which
 * is how Excel recognises UTF-8 (Chinese text would be mojibake without it).
 */

export const UTF8_BOM = "\uFEFF";

export type CsvCell = string | number | null | undefined;

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

export function csvCell(value: CsvCell): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new RangeError("not a finite number");
    return String(value);
  }
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One CSV record with its CRLF terminator (RFC 4180). */
export function csvLine(cells: readonly CsvCell[]): string {
  return `${cells.map(csvCell).join(",")}\r\n`;
}
