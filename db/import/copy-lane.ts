import "server-only";
import { parse } from "csv-parse/sync";
import { headerColumns, type HeaderSpec } from "@/lib/statements/csv-rows";
import { StatementFileError } from "@/lib/statements";
import { splitPlainLine } from "@/lib/statements/plain-cells";
import { chunkEncoding, decodeText } from "@/lib/statements/decode";
import { postgresClient, type Tx } from "../client";
import { inPieces, PIECE_BYTES, timed, type LineTally } from "./source";
import { CopyRows, stageBytes, type CopyLane, type StageInput, type StagingTable } from "./staging";

/**
 * The fast lane for CSV files on PostgreSQL: Node reads each line as the
 * file streams (PlainRows). A row whose every cell is in its plain,
 * canonical form ("25.00", "2026-11-04", a known channel code, text without
 * odd white space; lib/statements/plain-cells) is converted by the lane's
 * plainRow, which gives exactly what the parser would; every other row goes
 * through the parser's own rules (lib/statements), which stay the single
 * source of truth for what is accepted and why a line is rejected. The
 * staging rows go to COPY as they are made, on the other core.
 *
 * A GBK export is decoded by the parser's own decoder (decodeText), so its
 * text is exactly what the parser would read; line numbers are unchanged,
 * since no byte inside a GBK (GB18030) character is a line feed, comma or
 * quote (trail bytes are 0x40 and up, or the digits of a four-byte
 * character). The lane declines, and the caller reads the file with the
 * parser instead, whenever line numbers or decoding could come out
 * differently: bytes the decoder refuses, a file that turns GBK only after an
 * ASCII first chunk, a header the parser would read differently, blank or
 * ragged lines, cells spanning lines, a "\." line, no data rows.
 */

class Decline extends Error {}

/** Stages the file through COPY; false when the file is not for this lane (nothing is staged then, nothing counted). */
export async function stageByCopy<T>(
  tx: Tx,
  table: StagingTable,
  input: StageInput<T>,
  lane: CopyLane<T>,
  bytes: AsyncIterable<Uint8Array>,
  tally: LineTally,
): Promise<boolean> {
  const client = postgresClient(tx);
  if (!client) return false;
  const source = bytes[Symbol.asyncIterator]();
  try {
    let chunks: AsyncIterator<Uint8Array> = source;
    let first = await source.next();
    if (first.done) return false;
    if (chunkEncoding(withoutBom(first.value)) === "gbk") {
      chunks = asUtf8(first.value, source);
      first = await chunks.next();
      if (first.done) return false;
    }
    const columns = readHeader(first.value, lane.header);
    if (!columns) return false;

    await tx.transaction(async () => {
      // Every line is staged as it streams: a plain row converted here (lane.plainRow), any other through the
      // parser's rules. (If the lane declines, the savepoint drops what was staged and the caller starts a new tally.)
      // Each row is encoded as it is made: its strings are slices of the file's text, and rows held until a chunk
      // ends kept that text alive into the old generation (a million receipts grew the process by 130 MB).
      const staged = new CopyRows();
      const plainRow = lane.plainRow(columns);
      const rows = new PlainRows(columns.length, (n, line, cells) => {
        const values = cells && plainRow(cells);
        if (values) {
          staged.push([n + 1, ...values]);
          tally.read++;
          tally.records++;
          return;
        }
        const all = cells ?? quotedCells(line);
        const event = lane.rowEvent(n + 1, cellsByName(columns, (i) => all[i] ?? ""));
        if (tally.count(event)) staged.push(input.toRow(event.record, event.line));
      });
      await timed(input.hooks.onPhase, "copy file to staging", () => stageBytes(client, table, guarded(first.value, chunks, rows, staged, input.hooks.onStaged)));
    });
    return true;
  } catch (error) {
    // A line the lane cannot vouch for (ragged, blank, bad UTF-8…) or a value COPY refuses: the parser reads the file.
    if (error instanceof Decline || isDataException(error)) return false;
    throw error;
  } finally {
    await source.return?.();
  }
}

/** SQLSTATE class 22 (data exception), as postgres.js reports it directly or drizzle wraps it. */
function isDataException(error: unknown): boolean {
  const code = (error as { code?: unknown; cause?: { code?: unknown } })?.code ?? (error as { cause?: { code?: unknown } })?.cause?.code;
  return typeof code === "string" && code.startsWith("22");
}

/** A GBK file as UTF-8, through the parser's decoder: whatever it refuses declines the lane, and the parser then says why. */
/** The text of each chunk asUtf8 made, so that guarded does not decode it again. */
const decodedText = new WeakMap<Uint8Array, string>();

async function* asUtf8(first: Uint8Array, rest: AsyncIterator<Uint8Array>): AsyncGenerator<Uint8Array> {
  async function* bytes() {
    yield first;
    for (let next = await rest.next(); !next.done; next = await rest.next()) yield next.value;
  }
  try {
    for await (const text of decodeText(inPieces(bytes()))) {
      const chunk = Buffer.from(text, "utf8");
      decodedText.set(chunk, text);
      yield chunk;
    }
  } catch (error) {
    if (error instanceof StatementFileError) throw new Decline();
    throw error;
  }
}

const withoutBom = (chunk: Uint8Array) => (chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf ? chunk.subarray(3) : chunk);

/** The header as our column names, or null when this lane should not read the file. */
function readHeader(chunk: Uint8Array, spec: HeaderSpec): (string | null)[] | null {
  const bytes = withoutBom(chunk);
  const end = bytes.indexOf(0x0a);
  const encoding = chunkEncoding(bytes);
  if (end < 0 || (encoding !== "ascii" && encoding !== "utf-8")) return null;
  try {
    const text = new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(0, end)).replace(/\r$/, "");
    const records: string[][] = parse(text, { relax_column_count: true });
    const [record] = records;
    if (!record || record.length < 2) return null;
    return headerColumns(record, spec);
  } catch {
    // A header the parser refuses gets its one-line reason from the parser.
    return null;
  }
}

/**
 * The file as COPY bytes of staging rows, refused as soon as it is not what
 * this lane can vouch for: another encoding than UTF-8 (or a byte sequence
 * that is not valid UTF-8), NUL bytes, or lines the parser would read
 * differently (PlainRows). The rows of the last chunk are sent only once the
 * file's end is checked: postgres.js loses an error that arrives after the
 * last byte is sent, and the COPY then never completes.
 */
async function* guarded(
  first: Uint8Array,
  rest: AsyncIterator<Uint8Array>,
  rows: PlainRows,
  staged: CopyRows,
  onStaged?: (rows: number) => void,
): AsyncGenerator<Buffer> {
  const utf8 = new TextDecoder("utf-8", { fatal: true });
  const encoding = chunkEncoding(withoutBom(first));
  if (encoding !== "ascii" && encoding !== "utf-8") throw new Decline();
  for (let chunk: Uint8Array | null = first; chunk; ) {
    if (chunk.includes(0) || !feedText(rows, utf8, chunk)) throw new Decline();
    const next = await rest.next();
    const last = next.done === true;
    if (last && (!rows.end() || !utf8Complete(utf8))) throw new Decline();
    if (last) staged.flush();
    yield* staged.take();
    onStaged?.(rows.dataRows);
    chunk = last ? null : next.value;
  }
}

/** A chunk's text to the line checks, decoded in pieces (inPieces says why). */
function feedText(rows: PlainRows, utf8: TextDecoder, chunk: Uint8Array): boolean {
  const text = decodedText.get(chunk);
  if (text !== undefined) return rows.feed(text);
  for (let at = 0; at < chunk.length; at += PIECE_BYTES) {
    let piece: string;
    try {
      piece = utf8.decode(chunk.subarray(at, at + PIECE_BYTES), { stream: true });
    } catch {
      throw new Decline();
    }
    if (!rows.feed(piece)) return false;
  }
  return true;
}

function utf8Complete(decoder: TextDecoder): boolean {
  try {
    decoder.decode();
    return true;
  } catch {
    return false;
  }
}

/** The cells of a row by our column names, for the parser's rules. */
function cellsByName(columns: (string | null)[], cell: (i: number) => string): Map<string, string> {
  const cells = new Map<string, string>();
  columns.forEach((name, i) => name && cells.set(name, cell(i)));
  return cells;
}

/** The cells of a line with quotes (whole quoted cells, "" inside them), as the parser's CSV reader splits it. */
function quotedCells(line: string): string[] {
  const records: string[][] = parse(line);
  return records[0] ?? [];
}

/**
 * The file's lines as they stream, one pass over the text: whether the parser and the lane read them alike
 * (feed and end return false as soon as not): every line has the header's number of fields, no blank lines,
 * one kind of line ending throughout, no carriage return but before a line feed, no cell spanning lines (a
 * quote left open at a line's end: it would shift the parser's line numbers), no line that is exactly "\.",
 * quotes only around whole cells (the parser refuses a quote anywhere else), at least one data line after the
 * header. Each data line goes to `onRow` with n (1 for the first data line, the file's line number less one)
 * and its cells, or null for cells when its quotes need a CSV reader ("say ""hi""").
 */
export class PlainRows {
  /** Data lines read so far. */
  dataRows = 0;
  private pending = "";
  private fields = -1;
  private crlf: boolean | null = null;
  private readonly cells: string[] = [];

  /** `width`: the header's fields as the lane read them. */
  constructor(
    private readonly width: number,
    private readonly onRow: (n: number, line: string, cells: string[] | null) => void,
  ) {}

  feed(text: string): boolean {
    let from = 0;
    for (let lf = text.indexOf("\n"); lf >= 0; lf = text.indexOf("\n", from)) {
      const line = from === 0 && this.pending ? this.pending + text.slice(0, lf) : text.slice(from, lf);
      this.pending = "";
      from = lf + 1;
      const crlf = line.endsWith("\r");
      if ((this.crlf ??= crlf) !== crlf || !this.line(crlf ? line.slice(0, -1) : line)) return false;
    }
    this.pending += text.slice(from);
    return true;
  }

  /** At the end of the file: the last line, when the file does not end with a line break. */
  end(): boolean {
    const last = this.pending;
    this.pending = "";
    if (last !== "" && !this.line(last)) return false;
    return this.dataRows > 0;
  }

  private line(line: string): boolean {
    if (line === "" || line.includes("\r") || line === "\\.") return false;
    const quoted = line.includes('"');
    const fields = quoted ? fieldsOf(line) : commas(line) + 1;
    if (fields < 0) return false;
    // The header comes first: it sets the number of fields.
    if (this.fields < 0) {
      this.fields = fields;
      return fields === this.width;
    }
    if (fields !== this.fields) return false;
    this.onRow(++this.dataRows, line, splitPlainLine(line, this.cells));
    return true;
  }
}

function commas(line: string): number {
  let n = 0;
  for (let at = line.indexOf(","); at >= 0; at = line.indexOf(",", at + 1)) n++;
  return n;
}

/**
 * The fields of a line with quotes, as the parser counts them; -1 for quoting the parser
 * refuses (a quote inside an unquoted cell, text after a closing quote) or a quote left open at the line's end.
 */
function fieldsOf(line: string): number {
  let fields = 1;
  for (let i = 0; ; fields++) {
    let end: number;
    if (line.charCodeAt(i) === 34) {
      // a quoted cell: "" is a quote inside it
      let close = line.indexOf('"', i + 1);
      while (close >= 0 && line.charCodeAt(close + 1) === 34) close = line.indexOf('"', close + 2);
      if (close < 0) return -1;
      end = close + 1;
      if (end < line.length && line.charCodeAt(end) !== 44) return -1;
    } else {
      const comma = line.indexOf(",", i);
      end = comma < 0 ? line.length : comma;
      const quote = line.indexOf('"', i);
      if (quote >= 0 && quote < end) return -1;
    }
    if (end >= line.length) return fields;
    i = end + 1;
  }
}

/** For a lane's plainRow: a line's cells of the given columns, in that order ("" for a column the file lacks). */
export function cellsNamed(columns: (string | null)[], names: readonly string[]): (cells: string[]) => string[] {
  const at = names.map((name) => columns.indexOf(name));
  return (cells) => at.map((i) => (i < 0 ? "" : cells[i]!));
}
