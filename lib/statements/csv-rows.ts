import { Readable, pipeline } from "node:stream";
import { parse, CsvError } from "csv-parse";
import { decodeText, type TextEncodingName } from "./decode";
import { clip } from "./fields";
import { StatementFileError, type ByteSource } from "./types";

/**
 * The table layer shared by the receipts and settlements parsers: decodes the
 * bytes (UTF-8 or GBK, detected), reads quoted fields, CRLF and blank lines
 * the way real exports have them, finds the header (after the title lines of
 * a framed export), checks it against the expected columns, and yields each
 * data row as a column → cell map with its line. Spreadsheets (sheets.ts)
 * feed the same layer with their rows.
 */

export type CsvRow = { line: number; cells: Map<string, string> } | { line: number; error: string };

/** One record of the file (a CSV line, a spreadsheet row) with the 1-based line it starts on. */
export type TableRecord = { line: number; fields: string[] };

export type HeaderSpec = {
  /** Columns that must be present (canonical name → header text as the export spells it). */
  required: Record<string, string>;
  /** Columns that may be present. */
  optional?: Record<string, string>;
  /** Columns the export has that carry nothing we store (balances, running numbers). */
  ignored?: string[];
  /**
   * A download as Chinese banks and payment channels make it: title lines before the header
   * (up to TITLE_LINES), totals and footer lines after the data (FOOTER), and cells marked the
   * WeChat way (a leading backtick against Excel's number conversion, a trailing tab, "/" for empty).
   */
  framed?: boolean;
  /** A framed export's own first footer cell (a summary header such as 总交易单数). */
  footerStart?: string;
};

/** How far a framed export's header may be from the top (WeChat's personal bill has 16 title lines). */
export const TITLE_LINES = 40;
/** Where the data of a framed export ends: totals rows, "#" and "----" lines. */
const FOOTER = /^(#|-{3,}|合计|总计|本页合计|小计|共\s*\d+\s*笔)/;

export const normaliseHeader = (h: string) => h.normalize("NFKC").replace(/^\uFEFF/, "").trim().toLowerCase();

/** The CSV records of a byte stream, in batches, each with the line it starts on. */
export async function* csvRecords(source: ByteSource, onEncoding?: (e: TextEncodingName) => void, options: { framed?: boolean } = {}): AsyncGenerator<TableRecord[]> {
  // Blank lines are kept (as [""]) so that line numbers can be counted without csv-parse's
  // per-record info objects, which cost as much as the parsing itself. Framed exports only (their
  // cells are trimmed anyway): WeChat writes a tab after a closing quote (rtrim), and Excel-made
  // exports write ="6222…" to keep long numbers as text (relax_quotes; framedCell unwraps it).
  const framed = options.framed === true;
  const parser = parse({ relax_column_count: true, bom: true, rtrim: framed, relax_quotes: framed });
  pipeline(Readable.from(decodeText(source, onEncoding)), parser, () => {
    // Errors reach the consumer through readBatches.
  });
  let nextLine = 1;
  try {
    for await (const records of readBatches<string[]>(parser)) {
      yield records.map((fields) => {
        const line = nextLine;
        nextLine += 1 + newlinesIn(fields);
        return { line, fields };
      });
    }
  } catch (error) {
    if (error instanceof CsvError) throw new StatementFileError(csvErrorMessage(error, nextLine));
    throw error;
  }
}

/**
 * One line naming where the CSV breaks. csv-parse counts lines itself (`lines`, where it
 * stopped) and the field (`column`, 0-based); an unclosed quote is only noticed at the end of
 * the file, so it is reported at the line its record starts on.
 */
function csvErrorMessage(error: CsvError, recordLine: number): string {
  const at = error as CsvError & { lines?: number; column?: number | string };
  const field = typeof at.column === "number" ? `, field ${at.column + 1}` : "";
  switch (error.code) {
    case "CSV_QUOTE_NOT_CLOSED":
      return `the CSV is malformed at line ${recordLine}: a quoted field is never closed (truncated file?)`;
    case "CSV_INVALID_CLOSING_QUOTE":
      return `the CSV is malformed at line ${at.lines ?? recordLine}${field}: text after a closing quote`;
    case "INVALID_OPENING_QUOTE":
      return `the CSV is malformed at line ${at.lines ?? recordLine}${field}: a quote inside an unquoted field`;
    default:
      return `the CSV is malformed at line ${at.lines ?? recordLine}${field}`;
  }
}

/**
 * Yields the data rows in batches (one per chunk the CSV parser hands over):
 * a million-line file must not pay for a million promise round-trips.
 */
export function readCsvRows(source: ByteSource, header: HeaderSpec, onEncoding?: (e: TextEncodingName) => void): AsyncGenerator<CsvRow[]> {
  return tableRows(csvRecords(source, onEncoding, { framed: header.framed }), [header]);
}

/**
 * The rows of a table (CSV or spreadsheet) under the first of `specs` whose
 * header it has; `onHeader` learns which one. A plain export's header is its
 * first non-blank record; a framed export's may follow title lines.
 */
export async function* tableRows(records: AsyncIterable<TableRecord[]>, specs: readonly HeaderSpec[], onHeader?: (index: number) => void): AsyncGenerator<CsvRow[]> {
  let columns: (string | null)[] | null = null;
  let spec: HeaderSpec | null = null;
  let titleLines = 0;
  let inFooter = false;
  let dataRows = 0;
  for await (const batch of records) {
    const rows: CsvRow[] = [];
    for (const { line, fields } of batch) {
      // A blank line; in a framed export also a row of empty cells (spreadsheets pad rows to the sheet's width).
      if (fields.length === 1 && fields[0]!.trim() === "") continue;
      if ((spec?.framed ?? specs.some((s) => s.framed)) && fields.every((f) => f.trim() === "")) continue;
      if (!spec) {
        const found = findHeader(fields, specs, ++titleLines, line);
        if (!found) continue;
        [spec, columns] = [specs[found.index]!, found.columns];
        onHeader?.(found.index);
        continue;
      }
      const record = spec.framed ? fields.map(framedCell) : fields;
      if (spec.framed && (inFooter ||= isFooter(record, spec))) continue;
      dataRows++;
      if (record.length !== columns!.length) {
        rows.push({ line, error: `has ${record.length} fields, the header has ${columns!.length}` });
        continue;
      }
      const cells = new Map<string, string>();
      for (let i = 0; i < columns!.length; i++) if (columns![i]) cells.set(columns![i]!, record[i]!);
      rows.push({ line, cells });
    }
    if (rows.length > 0) yield rows;
  }
  if (!spec) {
    if (titleLines === 0) throw new StatementFileError("the file is empty");
    throw new StatementFileError(`no header in the first ${Math.min(titleLines, TITLE_LINES)} lines (expected ${expectedColumns(specs[0]!)})`);
  }
  if (dataRows === 0) throw new StatementFileError("the file has a header but no data lines");
}

/**
 * The record as a header of one of the specs, if it is one. A plain export's first record must
 * be the header, and the refusal names why it is not; a framed export's title lines are passed
 * over until TITLE_LINES, where the refusal names the columns expected.
 */
function findHeader(fields: string[], specs: readonly HeaderSpec[], nth: number, line: number): { index: number; columns: (string | null)[] } | null {
  let firstError: StatementFileError | null = null;
  for (const [index, spec] of specs.entries()) {
    try {
      return { index, columns: headerColumns(fields, spec) };
    } catch (error) {
      if (!(error instanceof StatementFileError)) throw error;
      firstError ??= error;
    }
  }
  const framed = specs.some((s) => s.framed);
  if (!framed || nth >= TITLE_LINES) {
    if (!framed) throw new StatementFileError(`line ${line}: ${firstError!.message}`);
    throw new StatementFileError(`no header in the first ${TITLE_LINES} lines (expected ${expectedColumns(specs[0]!)})`);
  }
  return null;
}

const expectedColumns = (spec: HeaderSpec) => Object.values(spec.required).join(",");

/** A cell of a framed export without its marks: WeChat's leading backtick, trailing tab and "/" for empty; Excel's ="…". */
export function framedCell(raw: string): string {
  const text = raw.replace(/^\s*`/, "").trim().replace(/^="(.*)"$/, "$1").trim();
  return text === "/" ? "" : text;
}

function isFooter(record: string[], spec: HeaderSpec): boolean {
  const first = record[0]!.trim();
  return FOOTER.test(first) || (spec.footerStart !== undefined && first.startsWith(spec.footerStart));
}

function newlinesIn(record: string[]): number {
  let n = 0;
  for (const cell of record) {
    if (!cell.includes("\n")) continue;
    for (let i = cell.indexOf("\n"); i >= 0; i = cell.indexOf("\n", i + 1)) n++;
  }
  return n;
}

/**
 * Drains a readable object stream in arrays of whatever it has pushed. The
 * records are taken as they are pushed, so that those before an error are
 * not lost with the stream: the error then names the line it happened on.
 */
async function* readBatches<T>(stream: Readable): AsyncGenerator<T[]> {
  let queue: T[] = [];
  const state: { failure: Error | null } = { failure: null };
  let ended = false;
  let wake: (() => void) | null = null;
  const notify = () => {
    wake?.();
    wake = null;
  };
  stream.on("data", (item: T) => {
    queue.push(item);
    if (queue.length >= 4096) stream.pause();
    notify();
  });
  stream.on("error", (error: Error) => {
    state.failure = error;
    notify();
  });
  stream.on("end", () => {
    ended = true;
    notify();
  });
  stream.on("close", () => {
    ended = true;
    notify();
  });
  try {
    for (;;) {
      if (queue.length > 0) {
        const batch = queue;
        queue = [];
        yield batch;
        stream.resume();
        continue;
      }
      if (state.failure) throw state.failure;
      if (ended) return;
      await new Promise<void>((resolve) => (wake = resolve));
    }
  } finally {
    if (!ended) stream.destroy();
  }
}

/**
 * The header row as our column names, in file order (null for a column we do
 * not store, or a nameless one left by a trailing comma); refuses unknown,
 * repeated and missing columns.
 */
export function headerColumns(record: string[], spec: HeaderSpec): (string | null)[] {
  const byHeader = new Map<string, string>();
  for (const [name, text] of Object.entries({ ...spec.required, ...spec.optional })) byHeader.set(normaliseHeader(text), name);
  const ignored = new Set((spec.ignored ?? []).map(normaliseHeader));
  const seen = new Set<string>();
  const columns = record.map((cell) => {
    const key = normaliseHeader(cell);
    if (key === "") return null;
    const name = byHeader.get(key);
    if (name) {
      if (seen.has(name)) throw new StatementFileError(`column "${clip(cell)}" appears twice in the header`);
      seen.add(name);
      return name;
    }
    if (ignored.has(key)) return null;
    throw new StatementFileError(`unknown column "${clip(cell)}" in the header (wrong profile? expected ${expectedColumns(spec)})`);
  });
  const missing = Object.entries(spec.required).filter(([name]) => !seen.has(name));
  if (missing.length > 0) throw new StatementFileError(`missing column${missing.length > 1 ? "s" : ""} ${missing.map(([, h]) => `"${h}"`).join(", ")} in the header`);
  return columns;
}
