import "server-only";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { parse } from "csv-parse/sync";
import { sql, type SQL } from "drizzle-orm";
import { headerColumns, type HeaderSpec } from "@/lib/statements/csv-rows";
import { StatementFileError } from "@/lib/statements";
import { chunkEncoding, decodeText } from "@/lib/statements/decode";
import { postgresClient, queryRows, type Tx } from "../client";
import { timed, type LineTally } from "./source";
import { stageRows, type CopyLane, type StageInput, type StagingTable } from "./staging";

/**
 * The fast lane for CSV files on PostgreSQL: the file's bytes go unparsed
 * into a text table with COPY (PostgreSQL's own CSV reader), and the rows
 * whose every cell is in its plain, canonical form ("25.00", "2026-11-04",
 * a known channel code, text without odd white space) are converted and
 * validated set-wise by one INSERT … SELECT into the staging table. Every
 * other row — anything the SQL does not recognise as plainly valid — goes
 * through the parser's own rules (lib/statements), which stay the single
 * source of truth for what is accepted and why a line is rejected.
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
      await timed(input.hooks.onPhase, "copy file to staging", () => pipeline(Readable.from(guarded(first.value, chunks, input.hooks.onStaged)), writable));

      const cell = (column: string) => {
        const at = columns.indexOf(column);
        return at < 0 ? sql`''` : sql`coalesce(${sql.identifier(raw[at]!)}, '')`;
      };
      const { valid, values } = lane.plain(cell);
      // The test runs once per row: the rows it refuses are noted, and every other row is converted.
      await timed(input.hooks.onPhase, "validate and convert (SQL)", async () => {
        // The odd rows keep their cells and a key, so the parser's pass below reads each page by the key: linear in the rows.
        await sp.execute(sql`drop table if exists import_odd`);
        await sp.execute(sql`create temp table import_odd on commit drop as select * from import_raw where not (case when ${valid} then true else false end)`);
        await sp.execute(sql`alter table import_odd add primary key (n)`);
        const [inserted] = await queryRows<{ n: number }>(
          sp,
          sql`with ins as (
                insert into ${sql.identifier(table.name)} (${sql.join(table.columns.map((c) => sql.identifier(c)), sql`, `)})
                select n + 1, ${sql.join(values, sql`, `)} from import_raw r where not exists (select 1 from import_odd o where o.n = r.n)
                returning 1)
              select count(*)::int as n from ins`,
        );
        tally.read += inserted!.n;
        tally.records += inserted!.n;
      });
      await timed(input.hooks.onPhase, "rows for the parser's rules", () => stageOddRows(sp, table, input, lane, columns, raw, tally));
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
async function* asUtf8(first: Uint8Array, rest: AsyncIterator<Uint8Array>): AsyncGenerator<Uint8Array> {
  async function* bytes() {
    yield first;
    for (let next = await rest.next(); !next.done; next = await rest.next()) yield next.value;
  }
  try {
    for await (const text of decodeText(bytes())) yield Buffer.from(text, "utf8");
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
 * is not valid UTF-8), NUL bytes, a line that is exactly "\." (COPY would
 * take it as the end of the data), or anything PostgreSQL's CSV reader would
 * refuse (see CsvShape). The lane must never send COPY a file it refuses:
 * postgres.js loses an error that arrives after the last byte is sent, and
 * the COPY then never completes.
 */
async function* guarded(first: Uint8Array, rest: AsyncIterator<Uint8Array>, onStaged?: (rows: number) => void): AsyncGenerator<Uint8Array> {
  const utf8 = new TextDecoder("utf-8", { fatal: true });
  const shape = new CsvShape();
  let tail = Buffer.alloc(0);
  let lines = 0;
  for (let chunk: Uint8Array | null = first; chunk; ) {
    if (chunk === first) {
      const encoding = chunkEncoding(withoutBom(chunk));
      if (encoding !== "ascii" && encoding !== "utf-8") throw new Decline();
    }
    try {
      utf8.decode(chunk, { stream: true });
    } catch {
      throw new Decline();
    }
    if (chunk.includes(0) || !shape.feed(chunk === first ? withoutBom(chunk) : chunk)) throw new Decline();
    const joined = Buffer.concat([tail, chunk]);
    if (/(^|\n)\\\.\r?(\n|$)/.test(joined.toString("latin1"))) throw new Decline();
    tail = joined.subarray(Math.max(0, joined.length - 4));
    for (let i = chunk.indexOf(0x0a); i >= 0; i = chunk.indexOf(0x0a, i + 1)) lines++;
    const next = await rest.next();
    const last = next.done === true;
    if (last && (!shape.end() || !utf8Complete(utf8))) throw new Decline();
    yield chunk;
    onStaged?.(Math.max(0, lines - 1));
    chunk = last ? null : next.value;
  }
}

function utf8Complete(decoder: TextDecoder): boolean {
  try {
    decoder.decode();
    return true;
  } catch {
    return false;
  }
}

const QUOTE = 0x22;
const COMMA = 0x2c;
const CR = 0x0d;
const LF = 0x0a;

/**
 * The line structure PostgreSQL's CSV reader insists on, checked byte by
 * byte as the file streams: every line has the header's number of fields, no
 * blank lines, one kind of line ending throughout, no bare carriage return
 * outside quotes, no quote left open at the end, no line feed inside quotes
 * (a cell spanning lines would shift the parser's line numbers), at least one
 * data line after the header. A quote toggles quoting
 * wherever it appears, as in PostgreSQL ("" inside quotes toggles twice).
 */
export class CsvShape {
  private inQuote = false;
  private fields = 1;
  private lineBytes = 0;
  private sawCr = false;
  private crlf: boolean | null = null;
  private expected = 0;
  private lines = 0;

  /** False as soon as the bytes so far are not a file COPY would read whole. */
  feed(chunk: Uint8Array): boolean {
    for (const byte of chunk) {
      if (this.sawCr && byte !== LF) return false;
      if (this.inQuote) {
        if (byte === LF) return false;
        if (byte === QUOTE) this.inQuote = false;
        this.lineBytes++;
      } else if (byte === QUOTE) {
        this.inQuote = true;
        this.lineBytes++;
      } else if (byte === COMMA) {
        this.fields++;
        this.lineBytes++;
      } else if (byte === CR) {
        this.sawCr = true;
      } else if (byte === LF) {
        if (!this.endLine()) return false;
      } else {
        this.lineBytes++;
      }
    }
    return true;
  }

  /** At the end of the file: the last line (if it has no line ending) is checked too, and there must be a data line after the header. */
  end(): boolean {
    if (this.inQuote || this.sawCr || this.expected === 0) return false;
    if (this.lineBytes > 0 && this.fields !== this.expected) return false;
    return this.lines + (this.lineBytes > 0 ? 1 : 0) > 1;
  }

  private endLine(): boolean {
    if (this.crlf === null) this.crlf = this.sawCr;
    else if (this.crlf !== this.sawCr) return false;
    if (this.lineBytes === 0) return false;
    if (this.expected === 0) this.expected = this.fields;
    else if (this.fields !== this.expected) return false;
    this.fields = 1;
    this.lineBytes = 0;
    this.sawCr = false;
    this.lines++;
    return true;
  }
}

/** Runs the rows the SQL left aside through the parser's rules, in file order, a page at a time. */
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
      const cells = new Map<string, string>();
      columns.forEach((name, i) => name && cells.set(name, row[raw[i]!] ?? ""));
      const event = lane.rowEvent(Number(row.n) + 1, cells);
      if (tally.count(event)) rows.push(input.toRow(event.record, event.line));
    }
    await stageRows(tx, table, [rows]);
    after = Number(page.at(-1)!.n);
  }
}

/*
 * SQL for cells in their plain form. Each test is stricter than the parser's
 * rule for the same field, and each conversion gives exactly what the parser
 * would: when in doubt a row goes to the parser, never the other way round.
 * (CASE fixes the order of evaluation, so no cast sees a cell its test refused.)
 */

/**
 * Text the parser stores unchanged (textField: no control characters, no
 * white space but single inner spaces, nothing to trim), within `maxBytes`.
 */
// One pass: a control character or odd white space anywhere, a space at either end, or two in a row.
const NOT_PLAIN_TEXT = String.raw`[\u0001-\u001f\u007f\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]|^ | $|  `;
export const plainText = (cell: SQL, maxBytes: number) => sql`(${cell} !~ ${NOT_PLAIN_TEXT} and octet_length(${cell}) <= ${maxBytes})`;

/** Yuan with up to two decimals, thousands separators only where parseYuan puts them ("1,234.50"), below any limit the parser has. */
export const plainAmount = (cell: SQL) =>
  sql`(case when strpos(${cell}, ',') = 0 then ${cell} ~ ${String.raw`^[0-9]+(\.[0-9][0-9]?)?$`}
    else ${cell} ~ ${String.raw`^[0-9]{1,3}(,[0-9]{3})+(\.[0-9][0-9]?)?$`} end
    and octet_length(replace(split_part(${cell}, '.', 1), ',', '')) <= 8)`;
export const fenOf = (cell: SQL) => sql`(replace(${cell}, ',', '')::numeric * 100)::bigint`;

/** Only ASCII digits (cheaper than a regular expression with a repeat count). */
export const digitsOnly = (cell: SQL, length: number) => sql`(octet_length(${cell}) = ${length} and ${cell} !~ '[^0-9]')`;

/** One of a short list of codes. */
export const oneOf = (cell: SQL, codes: Iterable<string>) => {
  const list = [...codes];
  return list.length === 0 ? sql`false` : sql`${cell} in (${sql.join(list.map((c) => sql`${c}`), sql`, `)})`;
};

/**
 * A real calendar day, given text shaped YYYY-MM-DD (digits checked): year 1900–2099, month 1–12, day
 * within the month. Integer arithmetic: a date cast plus interval arithmetic per row cost twice as much.
 */
const realDay = (iso: SQL) => sql`case when substr(${iso}, 1, 2) in ('19', '20') and substr(${iso}, 6, 2)::int between 1 and 12
  then substr(${iso}, 9, 2)::int between 1 and case substr(${iso}, 6, 2)
    when '02' then case when substr(${iso}, 1, 4)::int % 4 = 0 and (substr(${iso}, 1, 4)::int % 100 <> 0 or substr(${iso}, 1, 4)::int % 400 = 0) then 29 else 28 end
    when '04' then 30 when '06' then 30 when '09' then 30 when '11' then 30 else 31 end
  else false end`;

// Shapes are compared with every digit turned into '#': far cheaper than a regular expression per row.
const shapeOf = (cell: SQL) => sql`translate(${cell}, '0123456789', '##########')`;

/** A date in one of the profiles' formats, two-digit month and day only; and the same as YYYY-MM-DD. */
export function plainDate(cell: SQL, format: "YYYY-MM-DD" | "YYYY/MM/DD" | "YYYYMMDD"): { valid: SQL; iso: SQL } {
  const shape = { "YYYY-MM-DD": "####-##-##", "YYYY/MM/DD": "####/##/##", YYYYMMDD: "########" }[format];
  const iso =
    format === "YYYY-MM-DD" ? cell : format === "YYYY/MM/DD" ? sql`replace(${cell}, '/', '-')` : sql`(substr(${cell}, 1, 4) || '-' || substr(${cell}, 5, 2) || '-' || substr(${cell}, 7, 2))`;
  return { valid: sql`case when ${shapeOf(cell)} = ${shape} then ${realDay(iso)} else false end`, iso };
}

/** ISO 8601 to the second with Z or ±hh:mm, as the billing system writes it. */
export const plainInstant = (cell: SQL) =>
  sql`case when ${shapeOf(cell)} in ('####-##-##T##:##:##Z', '####-##-##T##:##:##+##:##', '####-##-##T##:##:##-##:##')
    then ${realDay(cell)} and substr(${cell}, 12, 2)::int <= 23 and substr(${cell}, 15, 2)::int <= 59 and substr(${cell}, 18, 2)::int <= 59
      and (octet_length(${cell}) = 20 or (substr(${cell}, 21, 2)::int <= 14 and substr(${cell}, 24, 2)::int <= 59))
    else false end`;

/**
 * What each pair of digits at an even offset adds to the Luhn sum of a 16-digit number: every second digit from the
 * right (the pair's first) is doubled, and 9 taken off when that exceeds 9.
 */
const LUHN_PAIRS = Array.from({ length: 100 }, (_, v) => (Math.floor(v / 10) === 0 ? 0 : ((2 * Math.floor(v / 10) - 1) % 9) + 1) + (v % 10));

/**
 * The Luhn check of a 16-digit number (the caller has checked it is one), as luhnValid computes it. The number is
 * read as a bigint and taken apart in eight pairs, each looked up: 16 substr() calls per row cost about twice as much.
 */
export function luhn16(cell: SQL): SQL {
  const pairs = sql.raw(`('{${LUHN_PAIRS.join(",")}}'::int[])`);
  const terms = Array.from({ length: 8 }, (_, i) => sql`${pairs}[(${cell})::bigint / ${sql.raw(String(10 ** (14 - 2 * i)))} % 100 + 1]`);
  return sql`((${sql.join(terms, sql` + `)}) % 10 = 0)`;
}

/**
 * A payer account as exports print it: digits, masked digits ("*") and spaces
 * or hyphens between groups ("6222 **** **** 1234"). NFKC leaves all of these
 * as they are, so maskAccount comes down to dropping the separators.
 */
export const plainAccount = (cell: SQL) => sql`(${cell} !~ '[^0-9* -]')`;

/** maskAccount for a plainAccount: separators dropped, then the first 4 and last 4 kept. */
export function maskedAccount(cell: SQL): SQL {
  const account = sql`translate(${cell}, ' -', '')`;
  return sql`case
  when ${account} = '' then null
  when length(${account}) > 8 then left(${account}, 4) || repeat('*', length(${account}) - 8) || right(${account}, 4)
  when length(${account}) > 4 then repeat('*', length(${account}) - 4) || right(${account}, 4)
  else repeat('*', length(${account})) end`;
}
