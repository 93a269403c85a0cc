import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import postgres from "postgres";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll } from "vitest";
import { closeDb, openDatabase, replaceDbHandle, type DbHandle } from "../client";
import { migrateDatabase } from "../migrate";
import { withDatabase } from "./global-setup";

/**
 * Gives the calling test file its own migrated database — embedded PGlite in
 * memory by default, a fresh PostgreSQL database when DATABASE_URL is set —
 * and makes it the data layer's database for the file.
 */
export function setupTestDatabase(): { handle: () => DbHandle } {
  let handle: DbHandle | undefined;
  beforeAll(async () => {
    const url = process.env.DATABASE_URL;
    const template = process.env.PAYSTATUS_TEST_TEMPLATE;
    if (url && template) {
      const name = `paystatus_t${randomBytes(4).toString("hex")}_${template.split("_").pop()}`;
      const admin = postgres(url, { max: 1, onnotice: () => {} });
      await admin.unsafe(`create database ${name} template ${template}`);
      await admin.end();
      handle = openDatabase({ url: withDatabase(url, name) });
    } else if (process.env.PAYSTATUS_PGLITE_TEMPLATE) {
      handle = openDatabase({ pgliteDir: "memory://", pgliteFrom: new Blob([await readFile(process.env.PAYSTATUS_PGLITE_TEMPLATE)]) });
    } else {
      handle = openDatabase({ pgliteDir: "memory://" });
      await migrateDatabase(handle);
    }
    replaceDbHandle(handle);
  });
  afterAll(async () => {
    await closeDb();
  });
  return {
    handle: () => {
      if (!handle) throw new Error("test database not ready");
      return handle;
    },
  };
}

export const databaseKind = () => (process.env.DATABASE_URL ? "postgres" : "pglite");

/**
 * Empties what matching reads and writes (receipts, lines, matches, and the refunds cases matching opens
 * for a receipt paid twice), so that a property test's next scenario starts from an empty store.
 */
export async function clearMatchingStore(db: DbHandle["db"]): Promise<void> {
  for (const table of ["ticket_events", "tickets", "matches", "settlement_lines", "settlement_batches", "receipts"]) {
    await db.execute(sql.raw(`delete from ${table}`));
  }
}
