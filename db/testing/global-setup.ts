import { rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { PGlite } from "@electric-sql/pglite";
import postgres from "postgres";
import { openDatabase } from "../client";
import { migrateDatabase } from "../migrate";

/**
 * One migrated template per run, and a fresh copy of it per test file:
 * with DATABASE_URL set, a template database on PostgreSQL (anything but a
 * local server is refused); otherwise a dumped PGlite data directory, which
 * each file loads instead of running initdb and every migration again.
 */
export default async function setup() {
  const url = process.env.DATABASE_URL;
  if (!url) return pgliteTemplate();
  const parsed = new URL(url);
  if (!["127.0.0.1", "localhost", "::1", "[::1]"].includes(parsed.hostname)) {
    throw new Error("integration tests only run against a local PostgreSQL");
  }
  const template = `paystatus_tpl_${process.pid}`;
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${template}`);
  const handle = openDatabase({ url: withDatabase(url, template) });
  await migrateDatabase(handle);
  await handle.close();
  process.env.PAYSTATUS_TEST_TEMPLATE = template;

  return async () => {
    const leftovers = await admin<{ datname: string }[]>`select datname from pg_database where datname like ${`paystatus_t%_${process.pid}%`}`;
    for (const { datname } of leftovers) await admin.unsafe(`drop database if exists "${datname}" with (force)`);
    await admin.end();
  };
}

async function pgliteTemplate() {
  const handle = openDatabase({ pgliteDir: "memory://" });
  await migrateDatabase(handle);
  const dump = await (handle.db as unknown as { $client: PGlite }).$client.dumpDataDir("none");
  await handle.close();
  const file = join(tmpdir(), `paystatus-pglite-template-${process.pid}.tar`);
  await writeFile(file, new Uint8Array(await dump.arrayBuffer()));
  process.env.PAYSTATUS_PGLITE_TEMPLATE = file;
  return () => rm(file, { force: true });
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}
