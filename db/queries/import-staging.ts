import "server-only";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { sql, type SQL } from "drizzle-orm";
import type postgres from "postgres";
import { StatementFileError, type ParseEvent } from "@/lib/statements";
import type { ByteSource } from "@/lib/statements/types";
import type { Db, Tx } from "../client";
import { stageByCopy, type CopyLane } from "./import-copy";
import { createHash, LineTally, tapBytes, timed, type FileSource, type ImportHooks } from "./import-source";

/**
 * Staging for imports: each file is streamed into a temporary table that
 * lives only as long as the import's transaction (ON COMMIT DROP, so no
 * migration is involved), then merged into the real tables with one
 * set-based statement. On PostgreSQL, CSV files go in raw with COPY FROM
 * STDIN and are checked in SQL (import-copy.ts), other formats as parsed rows
 * with COPY, both on the transaction's own connection; on the embedded store,
 * parsed rows in batches of multi-row inserts.
 */

export type Executor = Db | Tx;
export type StageValue = string | number | null;

/** Above this many rows, planner statistics are refreshed after a load: worth it after a large one, wasted on a small one. */
export const ANALYZE_AFTER = 10_000;

/** The rows of a raw query, whichever driver ran it (postgres.js returns an array, PGlite an object with rows). */
export async function queryRows<T>(tx: Executor, query: SQL): Promise<T[]> {
  const result: unknown = await tx.execute(query);
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

/** The postgres.js connection of a transaction, or null on PGlite. */
export function postgresClient(tx: Executor): postgres.Sql | null {
  const client = (tx as unknown as { session?: { client?: { unsafe?: unknown } } }).session?.client;
  return client && typeof client.unsafe === "function" ? (client as unknown as postgres.Sql) : null;
}

export type StagingTable = {
  /** Fixed name from this module, never input. */
  name: "import_settlement_lines" | "import_receipts";
  create: SQL;
  columns: readonly string[];
  insertJson: (json: string) => SQL;
};

export const SETTLEMENT_STAGING: StagingTable = {
  name: "import_settlement_lines",
  create: sql`create temp table if not exists import_settlement_lines (
    line_no integer not null, bank_ref text, amount_fen bigint not null, value_date date not null,
    channel text, payer_account text, remittance text) on commit drop`,
  columns: ["line_no", "bank_ref", "amount_fen", "value_date", "channel", "payer_account", "remittance"],
  insertJson: (json) => sql`insert into import_settlement_lines
    select * from json_to_recordset(${json}::json) as x(line_no integer, bank_ref text, amount_fen bigint, value_date date,
      channel text, payer_account text, remittance text)`,
};

export const RECEIPT_STAGING: StagingTable = {
  name: "import_receipts",
  create: sql`create temp table if not exists import_receipts (
    line_no integer not null, receipt_no text not null, service text not null, payer_name text not null, payer_phone text,
    amount_due_fen bigint not null, amount_paid_fen bigint, channel text not null, paid_at timestamptz, bank_ref text,
    billing_status text not null) on commit drop`,
  columns: ["line_no", "receipt_no", "service", "payer_name", "payer_phone", "amount_due_fen", "amount_paid_fen", "channel", "paid_at", "bank_ref", "billing_status"],
  insertJson: (json) => sql`insert into import_receipts
    select * from json_to_recordset(${json}::json) as x(line_no integer, receipt_no text, service text, payer_name text, payer_phone text,
      amount_due_fen bigint, amount_paid_fen bigint, channel text, paid_at timestamptz, bank_ref text, billing_status text)`,
};

/**
 * Settings for the import's own transaction: sorts and hashes over a large
 * file stay in memory rather than spilling to disk (the default 4 MB is sized
 * for many small concurrent queries, not for one merge of a million rows; at
 * 64 MB the merges' sorts of a million rows still spilled 100–130 MB each).
 * This is memory of the database server's process for this transaction only.
 */
export async function tuneImportSession(tx: Tx): Promise<void> {
  await tx.execute(sql`select set_config('work_mem', '256MB', true)`);
}

/** Below this size the COPY lane's own statements (temporary tables, a savepoint) cost more than the parser does. */
export const COPY_LANE_FROM_BYTES = 64 * 1024;

export type StageInput<T> = {
  file: FileSource;
  /** SHA-256 and size of the file, taken before the transaction began. */
  fileHash: string;
  fileBytes: number;
  hooks: ImportHooks;
  parse: (bytes: ByteSource) => AsyncIterable<ParseEvent<T>[]>;
  /** One record as a staging row, in the order of `table.columns` (line number first). */
  toRow: (record: T, line: number) => StageValue[];
  /** For CSV files: the COPY lane (import-copy.ts), tried first on PostgreSQL. */
  copyLane?: CopyLane<T>;
};

/**
 * The part of every import before its merge: streams the file into a fresh
 * staging table (through the COPY lane when it takes the file, otherwise
 * through the parser), refreshes the table's statistics when
 * it is large, and refuses the file when the bytes loaded are not the bytes
 * hashed or when no line of it was readable.
 */
export async function stageFile<T>(tx: Tx, table: StagingTable, input: StageInput<T>): Promise<LineTally> {
  const { hooks } = input;
  await tx.execute(table.create);
  await tx.execute(sql`truncate ${sql.identifier(table.name)}`);

  let tally = new LineTally();
  let hash = createHash("sha256");
  const copied = input.copyLane && input.fileBytes >= COPY_LANE_FROM_BYTES && (await stageByCopy(tx, table, input, input.copyLane, tapBytes(input.file.open(), hash, hooks.onProgress), tally));
  if (!copied) {
    tally = new LineTally();
    hash = createHash("sha256");
    await timed(hooks.onPhase, "parse + copy to staging", () => stageRows(tx, table, parsedRows(input, tapBytes(input.file.open(), hash, hooks.onProgress), tally)));
  }
  if (tally.records > ANALYZE_AFTER) await timed(hooks.onPhase, "analyze staging", () => tx.execute(sql`analyze ${sql.identifier(table.name)}`));

  if (hash.digest("hex") !== input.fileHash) throw new StatementFileError("the file changed while it was being imported; try again");
  if (tally.records === 0 && tally.rejectedCount > 0) {
    const [first] = tally.rejected;
    throw new StatementFileError(`no line of the file could be read (line ${first!.line}: ${first!.reason})`);
  }
  return tally;
}

const COPY_SQL: Record<StagingTable["name"], string> = {
  import_settlement_lines: "copy import_settlement_lines (line_no, bank_ref, amount_fen, value_date, channel, payer_account, remittance) from stdin",
  import_receipts:
    "copy import_receipts (line_no, receipt_no, service, payer_name, payer_phone, amount_due_fen, amount_paid_fen, channel, paid_at, bank_ref, billing_status) from stdin",
};

const BATCH_ROWS = 2000;
const COPY_CHUNK_CHARS = 256 * 1024;

/** The file read by its parser, as staging rows; counts every line in the tally. */
async function* parsedRows<T>(input: StageInput<T>, bytes: AsyncIterable<Uint8Array>, tally: LineTally): AsyncGenerator<StageValue[][]> {
  for await (const batch of input.parse(bytes)) {
    const staged: StageValue[][] = [];
    for (const event of batch) if (tally.count(event)) staged.push(input.toRow(event.record, event.line));
    yield staged;
    input.hooks.onStaged?.(tally.records);
  }
}

/**
 * Streams rows into the staging table. The rows come from a generator, so
 * nothing beyond one batch is ever held; an error thrown by the generator
 * (a refused file, a failing hook) aborts the load and with it the transaction.
 */
export async function stageRows(tx: Tx, table: StagingTable, batches: AsyncIterable<StageValue[][]> | Iterable<StageValue[][]>): Promise<void> {
  const client = postgresClient(tx);
  if (client) {
    const writable = await client.unsafe(COPY_SQL[table.name]).writable();
    await pipeline(Readable.from(copyText(batches)), writable);
    return;
  }
  let batch: Record<string, StageValue>[] = [];
  for await (const rows of batches) {
    for (const row of rows) {
      batch.push(Object.fromEntries(table.columns.map((c, i) => [c, row[i]!])));
      if (batch.length >= BATCH_ROWS) {
        await tx.execute(table.insertJson(JSON.stringify(batch)));
        batch = [];
      }
    }
  }
  if (batch.length > 0) await tx.execute(table.insertJson(JSON.stringify(batch)));
}

/** COPY text format: tab-separated, \N for null, backslash escapes for the characters that would break a row. */
async function* copyText(batches: AsyncIterable<StageValue[][]> | Iterable<StageValue[][]>): AsyncGenerator<string> {
  let chunk = "";
  for await (const rows of batches) {
    for (const row of rows) {
      for (let i = 0; i < row.length; i++) chunk += (i === 0 ? "" : "\t") + copyValue(row[i]!);
      chunk += "\n";
    }
    if (chunk.length >= COPY_CHUNK_CHARS) {
      yield chunk;
      chunk = "";
    }
  }
  if (chunk) yield chunk;
}

function copyValue(value: StageValue): string {
  if (value === null) return "\\N";
  if (typeof value === "number") return String(value);
  return /[\\\t\n\r]/.test(value) ? value.replace(/[\\\t\n\r]/g, (c) => ({ "\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r" })[c]!) : value;
}
