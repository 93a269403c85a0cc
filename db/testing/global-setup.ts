import postgres from "postgres";
import { openDatabase } from "../client";
import { migrateDatabase } from "../migrate";

/**
 * With DATABASE_URL set, integration tests run on PostgreSQL: one migrated
 * template database per run, and a fresh copy of it per test file.
 * Refuses anything but a local server.
 */
export default async function setup() {
  const url = process.env.DATABASE_URL;
  if (!url) return;
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

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}
