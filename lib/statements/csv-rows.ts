import { Readable, pipeline } from "node:stream";
import { parse, CsvError } from "csv-parse";
import { decodeText, type TextEncodingName } from "./decode";
import { clip } from "./fields";
import { StatementFileError, type ByteSource } from "./types";

/**
 * The CSV layer shared by the receipts and settlements parsers: decodes the
 * bytes (UTF-8 or GBK, detected), reads quoted fields, CRLF and blank lines
 * the way real exports have them, checks the header against the expected
 * columns, and yields each data row as a column → cell map with its line.
 */

export type CsvRow = { line: number; cells: Map<string, string> } | { line: number; error: string };

export type HeaderSpec = {
  /** Columns that must be present (canonical name → header text as the export spells it). */
  required: Record<string, string>;
  /** Columns that may be present. */
  optional?: Record<string, string>;
  /** Columns the export has that carry nothing we store (balances, running numbers). */
  ignored?: string[];
};

const normaliseHeader = (h: string) => h.normalize("NFKC").replace(/^\uFEFF/, "").trim().toLowerCase();

/**
 * Yields the data rows in batches (one per chunk the CSV parser hands over):
 * a million-line file must not pay for a million promise round-trips.
 */
export async function* readCsvRows(source: ByteSource, header: HeaderSpec, onEncoding?: (e: TextEncodingName) => void): AsyncGenerator<CsvRow[]> {
  // Blank lines are kept (as [""]) and skipped here, so that line numbers can be counted without
  // csv-parse's per-record info objects, which cost as much as the parsing itself.
  const parser = parse({ relax_column_count: true, bom: true });
  pipeline(Readable.from(decodeText(source, onEncoding)), parser, () => {
    // Errors reach the consumer through readBatches.
  });

  let columns: (string | null)[] | null = null;
  let dataRows = 0;
  let nextLine = 1;
  try {
    for await (const records of readBatches<string[]>(parser)) {
      const rows: CsvRow[] = [];
      for (const record of records) {
        const line = nextLine;
        nextLine += 1 + newlinesIn(record);
        if (record.length === 1 && record[0]!.trim() === "") continue;
        if (!columns) {
          columns = headerColumns(record, header);
          continue;
        }
        dataRows++;
        if (record.length !== columns.length) {
          rows.push({ line, error: `has ${record.length} fields, the header has ${columns.length}` });
          continue;
        }
        const cells = new Map<string, string>();
        for (let i = 0; i < columns.length; i++) if (columns[i]) cells.set(columns[i]!, record[i]!);
        rows.push({ line, cells });
      }
      if (rows.length > 0) yield rows;
    }
  } catch (error) {
    if (error instanceof StatementFileError) throw error;
    if (error instanceof CsvError) {
      throw new StatementFileError(`the CSV is malformed near line ${nextLine} (unclosed quote or truncated file?)`);
    }
    throw error;
  }
  if (!columns) throw new StatementFileError("the file is empty");
  if (dataRows === 0) throw new StatementFileError("the file has a header but no data lines");
}

function newlinesIn(record: string[]): number {
  let n = 0;
  for (const cell of record) {
    if (!cell.includes("\n")) continue;
    for (let i = cell.indexOf("\n"); i >= 0; i = cell.indexOf("\n", i + 1)) n++;
  }
  return n;
}

/** Drains a readable object stream in arrays of whatever is buffered. */
async function* readBatches<T>(stream: Readable): AsyncGenerator<T[]> {
  for (;;) {
    const batch: T[] = [];
    let item: T | null;
    while (batch.length < 4096 && (item = stream.read() as T | null) !== null) batch.push(item);
    if (batch.length > 0) {
      yield batch;
      continue;
    }
    if (stream.readableEnded) return;
    if (stream.errored) throw stream.errored;
    await new Promise<void>((resolve, reject) => {
      const settle = (error?: Error) => {
        stream.off("readable", onReadable).off("end", onReadable).off("close", onReadable).off("error", settle);
        if (error) reject(error);
        else resolve();
      };
      const onReadable = () => settle();
      stream.on("readable", onReadable).on("end", onReadable).on("close", onReadable).on("error", settle);
    });
  }
}

/**
 * The header row as our column names, in file order (null for a column we do
 * not store); refuses unknown, repeated and missing columns.
 */
export function headerColumns(record: string[], spec: HeaderSpec): (string | null)[] {
  const byHeader = new Map<string, string>();
  for (const [name, text] of Object.entries({ ...spec.required, ...spec.optional })) byHeader.set(normaliseHeader(text), name);
  const ignored = new Set((spec.ignored ?? []).map(normaliseHeader));
  const seen = new Set<string>();
  const columns = record.map((cell) => {
    const key = normaliseHeader(cell);
    const name = byHeader.get(key);
    if (name) {
      if (seen.has(name)) throw new StatementFileError(`column "${clip(cell)}" appears twice in the header`);
      seen.add(name);
      return name;
    }
    if (ignored.has(key)) return null;
    throw new StatementFileError(`unknown column "${clip(cell)}" in the header (wrong profile? expected ${Object.values(spec.required).join(",")})`);
  });
  const missing = Object.entries(spec.required).filter(([name]) => !seen.has(name));
  if (missing.length > 0) throw new StatementFileError(`missing column${missing.length > 1 ? "s" : ""} ${missing.map(([, h]) => `"${h}"`).join(", ")} in the header`);
  return columns;
}
