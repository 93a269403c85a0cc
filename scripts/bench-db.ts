import postgres from "postgres";
import { CliError } from "./cli";

/**
 * A scratch database for a benchmark, on a local PostgreSQL server only
 * (BENCH_PG_SERVER, default the local server): created fresh, dropped by drop().
 */
export async function scratchDatabase(name: string): Promise<{ url: string; drop: () => Promise<void>; checkpoint: () => Promise<void> }> {
  const server = process.env.BENCH_PG_SERVER ?? "postgres://postgres@127.0.0.1:5432";
  if (!["127.0.0.1", "localhost", "::1", "[::1]"].includes(new URL(server).hostname)) throw new CliError("benchmarks only run against a local PostgreSQL (BENCH_PG_SERVER)");
  const admin = async (statement: string) => {
    const sql = postgres(`${server}/postgres`, { max: 1, onnotice: () => {} });
    try {
      await sql.unsafe(statement);
    } finally {
      await sql.end();
    }
  };
  const drop = () => admin(`drop database if exists ${name} with (force)`);
  try {
    await drop();
    await admin(`create database ${name}`);
  } catch {
    throw new CliError(`cannot create the benchmark database on ${server} (set BENCH_PG_SERVER to a local PostgreSQL server)`);
  }
  return { url: `${server}/${name}`, drop, checkpoint: () => admin("checkpoint") };
}
