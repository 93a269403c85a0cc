import * as XLSX from "@e965/xlsx";
import type { TableRecord } from "./csv-rows";
import { StatementFileError, type ByteSource } from "./types";

/**
 * Spreadsheet downloads (.xls as CCB sends it, .xlsx): the first sheet's rows
 * as table records, line = the row number Excel shows. A workbook is not a
 * stream, so it is read whole, up to MAX_SHEET_BYTES (an .xls holds at most
 * 65,536 rows anyway).
 *
 * Read with SheetJS (the @e965/xlsx republish of the official 0.20 builds:
 * npm's `xlsx` stopped at 0.18.5, which has the prototype-pollution and ReDoS
 * advisories fixed in 0.19.3 and 0.20.2; exceljs and read-excel-file read no .xls).
 */

/** The two number-format functions used here (the package types SSF as any). */
const SSF = XLSX.SSF as { is_date(format: string): boolean; parse_date_code(serial: number): { y: number; m: number; d: number; H: number; M: number; S: number } };

export const MAX_SHEET_BYTES = 64 * 1024 * 1024;

const OLE2 = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
const ZIP = [0x50, 0x4b, 0x03, 0x04];

/** True when the bytes start as an .xls (OLE2 compound file) or .xlsx (zip) workbook. */
export function isSpreadsheet(head: Uint8Array): boolean {
  const starts = (magic: number[]) => head.length >= magic.length && magic.every((b, i) => head[i] === b);
  return starts(OLE2) || starts(ZIP);
}

/**
 * Some banks' ".xls" downloads are an HTML table: recognised from the start of the text
 * (after decoding), read by the same library once the text is decoded (UTF-8 or GBK).
 */
export const isHtmlTable = (text: string): boolean => /^\s*(<!doctype html|<html|<table)/i.test(text);

/** The first sheet of a workbook as records, every cell as text. */
export async function* sheetRecords(source: ByteSource): AsyncGenerator<TableRecord[]> {
  yield sheetRows(await wholeFile(source));
}

/** The rows of an HTML table download, its text already decoded. */
export async function* htmlTableRecords(text: AsyncIterable<string>): AsyncGenerator<TableRecord[]> {
  let html = "";
  for await (const part of text) {
    html += part;
    if (html.length > MAX_SHEET_BYTES) throw new StatementFileError(`the spreadsheet is larger than ${MAX_SHEET_BYTES / 1024 / 1024} MB; export it as CSV`);
  }
  yield htmlTableRows(html);
}

async function wholeFile(source: ByteSource): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of source) {
    size += chunk.length;
    if (size > MAX_SHEET_BYTES) throw new StatementFileError(`the spreadsheet is larger than ${MAX_SHEET_BYTES / 1024 / 1024} MB; export it as CSV`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** The first sheet's rows of a whole workbook. */
export function sheetRows(bytes: Uint8Array): TableRecord[] {
  return firstSheet(() => XLSX.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), { type: "buffer", cellDates: false, cellHTML: false, cellFormula: false }));
}

/** The first table's rows of an HTML download; its cells stay text ("1,025.00", "20240105"). */
export function htmlTableRows(html: string): TableRecord[] {
  return firstSheet(() => XLSX.read(html, { type: "string", raw: true, cellDates: false }));
}

function firstSheet(read: () => XLSX.WorkBook): TableRecord[] {
  let book: XLSX.WorkBook;
  try {
    book = read();
  } catch {
    throw new StatementFileError("the spreadsheet cannot be read (damaged or password-protected?)");
  }
  const sheet = book.SheetNames[0] === undefined ? undefined : book.Sheets[book.SheetNames[0]];
  if (!sheet?.["!ref"]) return [];
  const range = XLSX.utils.decode_range(sheet["!ref"]);
  const records: TableRecord[] = [];
  for (let r = range.s.r; r <= range.e.r; r++) {
    const fields: string[] = [];
    for (let c = range.s.c; c <= range.e.c; c++) fields.push(cellText(sheet[XLSX.utils.encode_cell({ r, c })] as XLSX.CellObject | undefined));
    // An empty row of a sheet is no line at all (a CSV's blank line); its number is kept by the others.
    if (fields.some((f) => f !== "")) records.push({ line: r + 1, fields });
  }
  return records;
}

/**
 * A cell as the export meant it: dates as YYYY-MM-DD[ HH:MM:SS] from the serial number
 * (Excel's own m/d/yy display is ambiguous, and a Date object would bring in a time zone),
 * numbers as displayed (so "1,234.50" stays text, never a float's digits).
 */
function cellText(cell: XLSX.CellObject | undefined): string {
  if (!cell || cell.v === undefined || cell.v === null) return "";
  if (cell.t === "n" && typeof cell.v === "number") {
    if (typeof cell.z === "string" && SSF.is_date(cell.z)) {
      const d = SSF.parse_date_code(cell.v);
      const pad = (n: number) => String(n).padStart(2, "0");
      const date = `${d.y}-${pad(d.m)}-${pad(d.d)}`;
      return d.H || d.M || d.S ? `${date} ${pad(d.H)}:${pad(d.M)}:${pad(d.S)}` : date;
    }
    return cell.w ?? String(cell.v);
  }
  return String(cell.v);
}

/** The first `n` bytes of a stream (fewer if it is shorter) and the whole stream again. */
export async function headOf(source: ByteSource, n: number): Promise<{ head: Uint8Array; bytes: ByteSource }> {
  const it = source[Symbol.asyncIterator]();
  const taken: Uint8Array[] = [];
  let size = 0;
  let done = false;
  while (size < n) {
    const next = await it.next();
    if (next.done) {
      done = true;
      break;
    }
    taken.push(next.value);
    size += next.value.length;
  }
  async function* bytes(): AsyncGenerator<Uint8Array> {
    // One first chunk, so that a byte-order mark cut across the stream's first chunks is still seen as one.
    if (taken.length > 0) yield Buffer.concat(taken);
    if (done) return;
    for (let next = await it.next(); !next.done; next = await it.next()) yield next.value;
  }
  return { head: Buffer.concat(taken).subarray(0, n), bytes: bytes() };
}
