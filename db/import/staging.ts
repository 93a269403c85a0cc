import "server-only";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { sql, type SQL } from "drizzle-orm";
import type { ParseEvent } from "@/lib/statements";
import type { HeaderSpec } from "@/lib/statements/csv-rows";
import type { ByteSource } from "@/lib/statements/types";
import { postgresClient, queryRows, type Tx } from "../client";
import type { FileSource, ImportHooks } from "./source";

/**
 * Staging for imports: each file is streamed into a temporary table that
 * lives only as long as the import's transaction (ON COMMIT DROP, so no
 * migration is involved), then merged into the real tables with one
 * set-based statement. Rows go in with COPY on the transaction's own
 * connection on PostgreSQL, and as batches of multi-row inserts on the
 * embedded store. stage.ts decides how a file reaches this table.
 */

export type StageValue = string | number | null;

/** Above this many rows, planner statistics are refreshed after a load: worth it after a large one, wasted on a small one. */
export const ANALYZE_AFTER = 10_000;

export type StagingTable = {
  /** Fixed name from this module, never input. */
  name: "import_settlement_lines" | "import_receipts";
  create: SQL;
  columns: readonly string[];
  insertJson: (json: string) => SQL;
  /**
   * What "analyze staging" refreshes after a large load: the row count (any column gives it) and the
   * statistics the merge's plan reads. Every column's statistics cost several times as much and no
   * plan used them.
   */
  analyze: SQL;
};

export const SETTLEMENT_STAGING: StagingTable = {
  name: "import_settlement_lines",
  create: sql`create temp table if not exists import_settlement_lines (
    line_no integer not null, bank_ref text, amount_fen bigint not null, value_date date not null,
    channel text, payer_account text, remittance text, reversal boolean not null) on commit drop`,
  columns: ["line_no", "bank_ref", "amount_fen", "value_date", "channel", "payer_account", "remittance", "reversal"],
  insertJson: (json) => sql`insert into import_settlement_lines
    select * from json_to_recordset(${json}::json) as x(line_no integer, bank_ref text, amount_fen bigint, value_date date,
      channel text, payer_account text, remittance text, reversal boolean)`,
  // The merge groups and joins on a digest of the whole row, which has no statistics: only the row count matters.
  analyze: sql`analyze import_settlement_lines (line_no)`,
};

export const RECEIPT_STAGING: StagingTable = {
  name: "import_receipts",
  create: sql`create temp table if not exists import_receipts (
    line_no integer not null, receipt_no text not null, service text not null, payer_name text not null, payer_phone text,
    amount_due_fen bigint not null, amount_paid_fen bigint, channel text not null, paid_at timestamptz, bank_ref text,
    billing_status text not null, terminal_id text) on commit drop`,
  columns: ["line_no", "receipt_no", "service", "payer_name", "payer_phone", "amount_due_fen", "amount_paid_fen", "channel", "paid_at", "bank_ref", "billing_status", "terminal_id"],
  insertJson: (json) => sql`insert into import_receipts
    select * from json_to_recordset(${json}::json) as x(line_no integer, receipt_no text, service text, payer_name text, payer_phone text,
      amount_due_fen bigint, amount_paid_fen bigint, channel text, paid_at timestamptz, bank_ref text, billing_status text, terminal_id text)`,
  // The merge dedupes by receipt_no and joins receipts on it.
  analyze: sql`analyze import_receipts (receipt_no)`,
};

/**
 * Settings for the import's own transaction: sorts and hashes over a large
 * file stay in memory rather than spilling to disk (the default 4 MB is sized
 * for many small concurrent queries, not for one merge of a million rows; at
 * 64 MB the merges' sorts of a million rows still spilled 100–130 MB each).
 * JIT compiles expressions but never inlines or optimises them: the matching
 * joins' row estimates are far off, and inlining and optimising took 0.3 s of
 * a 4 s statement at N = 1,000,000 for nothing. This is memory and settings of
 * the database server's process for this transaction only.
 */
export async function tuneImportSession(tx: Tx): Promise<void> {
  await tx.execute(sql`select set_config('work_mem', '256MB', true), set_config('jit_inline_above_cost', '1e12', true), set_config('jit_optimize_above_cost', '1e12', true)`);
}

/** A CSV file's fast lane (copy-lane.ts): how its header reads, the conversion of its plain rows, and the parser's rules for the rest. */
export type CopyLane<T> = {
  header: HeaderSpec;
  /** Rules for one row (column → cell) from the parser, for the rows that are not plain. */
  rowEvent: (line: number, cells: Map<string, string>) => ParseEvent<T>;
  /**
   * For the file's columns (our name of each, null where a column is not read): one line's staging values after
   * line_no when its cells are all plain (lib/statements/plain-cells), exactly as the parser would stage them;
   * null otherwise.
   */
  plainRow: (columns: (string | null)[]) => (cells: string[]) => StageValue[] | null;
};

export type StageInput<T> = {
  file: FileSource;
  /** SHA-256 and size of the file, taken before the transaction began. */
  fileHash: string;
  fileBytes: number;
  hooks: ImportHooks;
  parse: (bytes: ByteSource) => AsyncIterable<ParseEvent<T>[]>;
  /** One record as a staging row, in the order of `table.columns` (line number first). */
  toRow: (record: T, line: number) => StageValue[];
  /** For CSV files: the COPY lane (copy-lane.ts), tried first on PostgreSQL. */
  copyLane?: CopyLane<T>;
};

const COPY_SQL: Record<StagingTable["name"], string> = {
  import_settlement_lines: "copy import_settlement_lines (line_no, bank_ref, amount_fen, value_date, channel, payer_account, remittance, reversal) from stdin",
  import_receipts:
    "copy import_receipts (line_no, receipt_no, service, payer_name, payer_phone, amount_due_fen, amount_paid_fen, channel, paid_at, bank_ref, billing_status, terminal_id) from stdin",
};

const BATCH_ROWS = 2000;
/**
 * Rows are sent in chunks of this many characters: the text of a chunk is flattened to be encoded, and at 32K
 * UTF-16 units it stays below V8's large-object size, so it dies young. At 256K every chunk was a large object
 * that only a full collection frees: a 1M-entry camt.053 file grew the process by about 120 MB of dead text.
 */
const COPY_CHUNK_CHARS = 32 * 1024;

/**
 * Streams rows into the staging table. The rows come from a generator, so
 * nothing beyond one batch is ever held; an error thrown by the generator
 * (a refused file, a failing hook) aborts the load and with it the transaction.
 */
export async function stageRows(tx: Tx, table: StagingTable, batches: AsyncIterable<StageValue[][]> | Iterable<StageValue[][]>): Promise<void> {
  const client = postgresClient(tx);
  if (client) return stageBytes(client, table, copyText(batches));
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

/** Staging rows as COPY text, encoded to bytes a chunk at a time (COPY_CHUNK_CHARS says why). */
export class CopyRows {
  private text = "";
  private readonly ready: Buffer[] = [];

  push(row: StageValue[]): void {
    this.text += copyRow(row);
    if (this.text.length >= COPY_CHUNK_CHARS) this.flush();
  }

  /** Encodes what is left (at the end). */
  flush(): void {
    if (this.text === "") return;
    this.ready.push(Buffer.from(this.text, "utf8"));
    this.text = "";
  }

  /** The chunks encoded so far. */
  take(): Buffer[] {
    return this.ready.splice(0);
  }
}

/** COPY text format: tab-separated, \N for null, backslash escapes for the characters that would break a row. */
async function* copyText(batches: AsyncIterable<StageValue[][]> | Iterable<StageValue[][]>): AsyncGenerator<Buffer> {
  const out = new CopyRows();
  for await (const rows of batches) {
    for (const row of rows) out.push(row);
    yield* out.take();
  }
  out.flush();
  yield* out.take();
}

function copyRow(row: StageValue[]): string {
  let line = "";
  for (let i = 0; i < row.length; i++) line += (i === 0 ? "" : "\t") + copyValue(row[i]!);
  return `${line}\n`;
}

/** Loads COPY bytes (CopyRows) into the staging table, on the transaction's PostgreSQL connection. */
export async function stageBytes(client: NonNullable<ReturnType<typeof postgresClient>>, table: StagingTable, data: AsyncIterable<Buffer>): Promise<void> {
  await pipeline(Readable.from(data), await client.unsafe(COPY_SQL[table.name]).writable());
}

function copyValue(value: StageValue): string {
  if (value === null) return "\\N";
  if (typeof value === "number") return String(value);
  return /[\\\t\n\r]/.test(value) ? value.replace(/[\\\t\n\r]/g, (c) => ({ "\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r" })[c]!) : value;
}

/**
 * Runs a matching statement that returns `n` with hash joins only and no JIT, then restores both. Its
 * group CTEs' row counts are unknowable to the planner, which then guesses "one row" and nests loops over
 * tens of thousands of rows; every join there is on equal keys, so hash joins are right. Turning nested
 * loops off inflates the plan's cost past the JIT thresholds, and compiling such a query then took most of
 * its time (0.5–0.65 s of 0.65–0.93 s at N = 200,000): no JIT.
 */
export async function countWithHashJoins(tx: Tx, query: SQL): Promise<number> {
  const [{ jit }] = (await queryRows<{ jit: string }>(tx, sql`select current_setting('jit') as jit`)) as [{ jit: string }];
  await tx.execute(sql`select set_config('enable_nestloop', 'off', true), set_config('jit', 'off', true)`);
  const [row] = await queryRows<{ n: number }>(tx, query);
  await tx.execute(sql`select set_config('enable_nestloop', 'on', true), set_config('jit', ${jit}, true)`);
  return row?.n ?? 0;
}
