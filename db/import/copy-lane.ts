import "server-only";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { parse } from "csv-parse/sync";
import { sql, type SQL } from "drizzle-orm";
import { headerColumns, type HeaderSpec } from "@/lib/statements/csv-rows";
import { StatementFileError } from "@/lib/statements";
import { splitPlainLine, type PlainDateFormat } from "@/lib/statements/plain-cells";
import { chunkEncoding, decodeText } from "@/lib/statements/decode";
import { postgresClient, queryRows, type Tx } from "../client";
import { inPieces, LineTally, PIECE_BYTES, timed } from "./source";
import { HeldRows, stageHeld, stageRows, type CopyLane, type StageInput, type StagingTable } from "./staging";

/**
 * The fast lane for CSV files on PostgreSQL: the file's bytes go unparsed
 * into a text table with COPY (PostgreSQL's own CSV reader). On their way,
 * Node checks each line (PlainRows): the rows whose every cell is in its
 * plain, canonical form ("25.00", "2026-11-04", a known channel code, text
 * without odd white space; lib/statements/plain-cells) are then converted
 * set-wise by one INSERT … SELECT into the staging table. Every other row
 * goes through the parser's own rules (lib/statements), which stay the
 * single source of truth for what is accepted and why a line is rejected.
 *
 * A GBK export is decoded by the parser's own decoder (decodeText) and sent
 * to COPY as UTF-8, so its text is exactly what the parser would read; line
 * numbers are unchanged, since no byte inside a GBK (GB18030) character is a
 * line feed, comma or quote (trail bytes are 0x40 and up, or the digits of a
 * four-byte character). The lane declines, and the caller reads the file with the parser
 * instead, whenever line numbers or decoding could come out differently:
 * bytes the decoder refuses, a file that turns GBK only after an ASCII first
 * chunk, a header PostgreSQL would read differently, blank or ragged lines
 * (COPY refuses them), cells spanning lines, a "\." line, no data rows.
 */

class Decline extends Error {}

const SLOW_PAGE = 10_000;
/** Odd rows read as the file streams stage at most this much from memory. */
const EARLY_BYTES = 2 * 1024 * 1024;

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

    await tx.transaction(async (sp) => {
      const raw = columns.map((_, i) => `c${i + 1}`);
      await sp.execute(sql`drop table if exists import_raw`);
      await sp.execute(sql.raw(`create temp table import_raw (n bigint generated always as identity, ${raw.map((c) => `${c} text`).join(", ")}) on commit drop`));
      const writable = await client.unsafe(`copy import_raw (${raw.join(", ")}) from stdin with (format csv, header true)`).writable();
      // Odd rows are read by the parser's rules as they stream, while what they stage fits in memory (EARLY_BYTES);
      // the rest (and lines only PostgreSQL splits) after the COPY, from the table, a page at a time. (If the lane
      // declines, the caller starts a new tally.)
      const earlyRows = new HeldRows();
      const deferred: number[] = [];
      const rows = new PlainRows(lane.plainRow(columns), columns.length, (n, cells) => {
        if (!cells || earlyRows.bytes >= EARLY_BYTES) return void deferred.push(n);
        const event = lane.rowEvent(n + 1, cellsByName(columns, (i) => cells[i]!));
        if (tally.count(event)) earlyRows.push(input.toRow(event.record, event.line));
      });
      await timed(input.hooks.onPhase, "copy file to staging", () => pipeline(Readable.from(guarded(first.value, chunks, rows, input.hooks.onStaged)), writable));

      const cell = (column: string) => {
        const at = columns.indexOf(column);
        return at < 0 ? sql`''` : sql`coalesce(${sql.identifier(raw[at]!)}, '')`;
      };
      const bigints = (ns: number[]) => sql`unnest(${`{${ns.join(",")}}`}::bigint[])`;
      await timed(input.hooks.onPhase, "convert (SQL)", async () => {
        if (rows.odd.length === rows.dataRows) return;
        const [inserted] = await queryRows<{ n: number }>(
          sp,
          sql`with ins as (
                insert into ${sql.identifier(table.name)} (${sql.join(table.columns.map((c) => sql.identifier(c)), sql`, `)})
                select n + 1, ${sql.join(lane.values(cell), sql`, `)} from import_raw r where not exists (select 1 from ${bigints(rows.odd)} as o(n) where o.n = r.n)
                returning 1)
              select count(*)::int as n from ins`,
        );
        tally.read += inserted!.n;
        tally.records += inserted!.n;
      });
      await timed(input.hooks.onPhase, "rows for the parser's rules", async () => {
        await stageHeld(sp, table, earlyRows);
        if (deferred.length === 0) return;
        // The rows left keep their cells and a key, so the pass below reads each page by the key: linear in the rows.
        await sp.execute(sql`drop table if exists import_odd`);
        await sp.execute(sql`create temp table import_odd on commit drop as select r.* from import_raw r join ${bigints(deferred)} as o(n) on o.n = r.n`);
        await sp.execute(sql`alter table import_odd add primary key (n)`);
        // Counted apart and added after, so that the refusals kept are still the first by line.
        const late = new LineTally();
        await stageOddRows(sp, table, input, lane, columns, raw, late);
        tally.add(late);
      });
    });
    return true;
  } catch (error) {
    // A row PostgreSQL's CSV reader refuses (ragged, blank, bad UTF-8) or any other sign the file is not plain: read it the slow way.
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
 * The bytes on their way to COPY, refused as soon as they are not what this
 * lane can vouch for: another encoding than UTF-8 (or a byte sequence that
 * is not valid UTF-8), NUL bytes, or lines PostgreSQL's CSV reader would read
 * differently from the parser (PlainRows). The lane must never send COPY a
 * file it refuses: postgres.js loses an error that arrives after the last
 * byte is sent, and the COPY then never completes.
 */
async function* guarded(first: Uint8Array, rest: AsyncIterator<Uint8Array>, rows: PlainRows, onStaged?: (rows: number) => void): AsyncGenerator<Uint8Array> {
  const utf8 = new TextDecoder("utf-8", { fatal: true });
  const encoding = chunkEncoding(withoutBom(first));
  if (encoding !== "ascii" && encoding !== "utf-8") throw new Decline();
  for (let chunk: Uint8Array | null = first; chunk; ) {
    if (chunk.includes(0) || !feedText(rows, utf8, chunk)) throw new Decline();
    const next = await rest.next();
    const last = next.done === true;
    if (last && (!rows.end() || !utf8Complete(utf8))) throw new Decline();
    yield chunk;
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

/** Runs the rows left in import_odd through the parser's rules, in file order, a page at a time. */
async function stageOddRows<T>(
  tx: Tx,
  table: StagingTable,
  input: StageInput<T>,
  lane: CopyLane<T>,
  columns: (string | null)[],
  raw: string[],
  tally: LineTally,
): Promise<void> {
  for (let after = 0; ; ) {
    const page = await queryRows<Record<string, string | null> & { n: string | number }>(
      tx,
      sql`select n, ${sql.join(raw.map((c) => sql.identifier(c)), sql`, `)} from import_odd where n > ${after} order by n limit ${SLOW_PAGE}`,
    );
    if (page.length === 0) return;
    const rows = [];
    for (const row of page) {
      const event = lane.rowEvent(Number(row.n) + 1, cellsByName(columns, (i) => row[raw[i]!] ?? ""));
      if (tally.count(event)) rows.push(input.toRow(event.record, event.line));
    }
    await stageRows(tx, table, [rows]);
    after = Number(page.at(-1)!.n);
  }
}

/**
 * The file's lines as they stream to COPY, one pass over the text:
 *
 * - whether PostgreSQL's CSV reader reads them as the parser does (feed and end return false as soon as
 *   not): every line has the header's number of fields, no blank lines, one kind of line ending
 *   throughout, no carriage return but before a line feed, no cell spanning lines (a quote left open at
 *   a line's end: it would shift the parser's line numbers), no line that is exactly "\." (COPY would
 *   take it as the end of the data), quotes only around whole cells (PostgreSQL would read a quote
 *   anywhere, the parser refuses it), at least one data line after the header;
 * - which data rows are not plain (lib/statements/plain-cells), numbered as import_raw numbers them (n:
 *   1 for the first data line, the file's line number less one).
 */
export class PlainRows {
  /** The n of every row the parser's rules must read. */
  readonly odd: number[] = [];
  /** Data lines read so far. */
  dataRows = 0;
  private pending = "";
  private fields = -1;
  private crlf: boolean | null = null;
  private readonly cells: string[] = [];

  /**
   * `width`: the header's fields as the lane read them; PostgreSQL must count the same. `onOdd` hears of each
   * row that is not plain, with its cells (null when only PostgreSQL's reader splits the line).
   */
  constructor(
    private readonly plain: (cells: string[]) => boolean,
    private readonly width: number,
    private readonly onOdd: (n: number, cells: string[] | null) => void,
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
    // The header comes first (COPY's "header true" skips it too): it sets the number of fields.
    if (this.fields < 0) {
      this.fields = fields;
      return fields === this.width;
    }
    if (fields !== this.fields) return false;
    const n = ++this.dataRows;
    const cells = splitPlainLine(line, this.cells);
    if (!cells || !this.plain(cells)) {
      this.odd.push(n);
      this.onOdd(n, cells);
    }
    return true;
  }
}

function commas(line: string): number {
  let n = 0;
  for (let at = line.indexOf(","); at >= 0; at = line.indexOf(",", at + 1)) n++;
  return n;
}

/**
 * The fields of a line with quotes, as both PostgreSQL and the parser count them; -1 for quoting the parser
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

/*
 * SQL conversions of plain cells (lib/statements/plain-cells): each gives exactly what the parser would.
 */

export const fenOf = (cell: SQL) => sql`(replace(${cell}, ',', '')::numeric * 100)::bigint`;

/** A plain date in one of the profiles' formats as YYYY-MM-DD. */
export const isoDate = (cell: SQL, format: PlainDateFormat) =>
  format === "YYYY-MM-DD" ? cell : format === "YYYY/MM/DD" ? sql`replace(${cell}, '/', '-')` : sql`(substr(${cell}, 1, 4) || '-' || substr(${cell}, 5, 2) || '-' || substr(${cell}, 7, 2))`;

/**
 * maskAccount for a plain account: separators dropped, then the first 4 and last 4 kept. translate() is slow
 * (the mask repeats its argument five times: 2.4 s of the 3.8 s it took to convert 1,000,000 lines), so an
 * account printed without separators skips it.
 */
export function maskedAccount(cell: SQL): SQL {
  const masked = (account: SQL) => sql`case
  when ${account} = '' then null
  when length(${account}) > 8 then left(${account}, 4) || repeat('*', length(${account}) - 8) || right(${account}, 4)
  when length(${account}) > 4 then repeat('*', length(${account}) - 4) || right(${account}, 4)
  else repeat('*', length(${account})) end`;
  return sql`case when strpos(${cell}, ' ') = 0 and strpos(${cell}, '-') = 0 then ${masked(cell)} else ${masked(sql`translate(${cell}, ' -', '')`)} end`;
}
