import { mkdirSync } from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import type { SQL } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { reconnectBackoff } from "@/lib/reconnect";
import * as schema from "./schema";

/**
 * The one database connection of the process: PostgreSQL through postgres.js
 * when DATABASE_URL is set, otherwise the embedded PGlite store under .data/.
 * Only db/queries (and the scripts that migrate and seed) import this file.
 */

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;
export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];
/** What a query runs on: the database, or a transaction taking part in a larger unit of work (`tx = db()`). */
export type Executor = Db | Tx;
/**
 * `reads` serves the residents' status reads. On PostgreSQL it is a pool of its own, opened on first
 * use and kept small on purpose: concurrent status queries queue on its two connections and go out
 * together (one write and one wake-up of the server for many), and they never wait behind a staff
 * transaction or an import holding the main pool's connections.
 */
export type DbHandle = { db: Db; reads: () => Db; kind: "postgres" | "pglite"; close: () => Promise<void> };

const RESIDENT_READ_CONNECTIONS = 2;

/**
 * `pgliteFrom`: a data directory dumped by PGlite's `dumpDataDir` (the tests' migrated template), loaded
 * instead of a fresh initdb.
 */
export function openDatabase(options: { url?: string; pgliteDir?: string; pgliteFrom?: Blob }): DbHandle {
  const url = options.url;
  if (url) {
    const connect = (max: number) => postgres(url, { max, connect_timeout: 5, idle_timeout: 60, backoff: reconnectBackoff, onnotice: () => {} });
    // Validated at start-up (lib/env.ts); an empty value means the default, as everywhere else.
    const client = connect(Number(process.env.DATABASE_POOL_SIZE || 10));
    let readClient: postgres.Sql | undefined;
    let reads: Db | undefined;
    return {
      db: drizzlePostgres(client, { schema, casing: "snake_case" }),
      reads: () => (reads ??= drizzlePostgres((readClient = connect(RESIDENT_READ_CONNECTIONS)), { schema, casing: "snake_case" })),
      kind: "postgres",
      close: async () => {
        await Promise.all([client.end({ timeout: 5 }), readClient?.end({ timeout: 5 })]);
      },
    };
  }
  const dir = options.pgliteDir;
  if (dir && !dir.startsWith("memory://")) mkdirSync(dir, { recursive: true });
  const client = new PGlite(dir, options.pgliteFrom ? { loadDataDir: options.pgliteFrom } : undefined);
  const db = drizzlePglite(client, { schema, casing: "snake_case" });
  return { db, reads: () => db, kind: "pglite", close: () => client.close() };
}

const globalForDb = globalThis as unknown as { paystatusDb?: DbHandle };

/** The process-wide handle, opened on first use (kept on globalThis so dev reloads do not leak pools). */
export function dbHandle(): DbHandle {
  globalForDb.paystatusDb ??= openDatabase({
    url: process.env.DATABASE_URL || undefined,
    pgliteDir: process.env.PGLITE_DIR || ".data/pglite",
  });
  return globalForDb.paystatusDb;
}

export function db(): Db {
  return dbHandle().db;
}

/** The residents' status reads (see DbHandle). */
export function residentReads(): Db {
  return dbHandle().reads();
}

export async function closeDb(): Promise<void> {
  const handle = globalForDb.paystatusDb;
  globalForDb.paystatusDb = undefined;
  await handle?.close();
}

/** Installs a handle as the process-wide one (integration tests point the data layer at their own database). */
export function replaceDbHandle(handle: DbHandle): void {
  globalForDb.paystatusDb = handle;
}

/** The rows of a raw query, whichever driver ran it (postgres.js returns an array, PGlite an object with rows). */
export async function queryRows<T>(tx: Executor, query: SQL): Promise<T[]> {
  const result: unknown = await tx.execute(query);
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

/**
 * The rows of a fixed statement with `$n` parameters, for the hottest writes: on PostgreSQL a named
 * prepared statement (parsed and planned once per connection), on PGlite a plain parameterised query.
 * Write the casts (`$1::text`) into the text: no type comes from a query builder here.
 */
export async function preparedRows<T>(tx: Executor, text: string, params: (string | number | boolean | null)[]): Promise<T[]> {
  const pg = postgresClient(tx);
  if (pg) return (await pg.unsafe(text, params, { prepare: true })) as unknown as T[];
  const lite = (tx as unknown as { session: { client: { query(text: string, params: unknown[]): Promise<{ rows: T[] }> } } }).session.client;
  return (await lite.query(text, params)).rows;
}

/** The postgres.js connection of a transaction (for COPY), or null on PGlite. */
export function postgresClient(tx: Executor): postgres.Sql | null {
  const client = (tx as unknown as { session?: { client?: { unsafe?: unknown } } }).session?.client;
  return client && typeof client.unsafe === "function" ? (client as unknown as postgres.Sql) : null;
}
