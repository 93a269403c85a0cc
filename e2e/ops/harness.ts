import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createHmac } from "node:crypto";
import { chownSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "postgres";
import { productionServerArgs } from "../../scripts/next-server";

/**
 * The operations suite's machinery: production instances of the one build,
 * databases of their own, a private PostgreSQL cluster that may be stopped,
 * an SMTP sink. Every process it starts it stops; it never touches the shared
 * PostgreSQL server beyond creating and dropping its own databases.
 */

export { startSmtpSink } from "@/db/testing/smtp-sink";

export const SHARED_SERVER = process.env.OPS_PG_SERVER ?? "postgres://postgres@127.0.0.1:5432";

export const SECRETS = {
  AUTH_SECRET: "ops-auth-secret-0123456789abcdef0123456789",
  RECEIPT_LINK_SECRET: "ops-receipt-link-secret-0123456789abcdef0",
  // Same key on every instance: a form rendered by one can be posted to another.
  NEXT_SERVER_ACTIONS_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString("base64"),
};

export const qrPath = (receiptNo: string) =>
  `/r/${receiptNo}?t=${createHmac("sha256", SECRETS.RECEIPT_LINK_SECRET).update(`r1:${receiptNo}`).digest("base64url").slice(0, 22)}`;

const TSX = ["--import", "tsx", "--conditions=react-server"];

/** A child process whose output (stdout and stderr, line by line) is kept for the test to search. */
export class Proc {
  readonly lines: string[] = [];
  readonly exited: Promise<number | null>;
  constructor(readonly child: ChildProcess) {
    for (const stream of [child.stdout, child.stderr]) {
      let rest = "";
      stream?.setEncoding("utf8");
      stream?.on("data", (chunk: string) => {
        const parts = (rest + chunk).split("\n");
        rest = parts.pop()!;
        this.lines.push(...parts);
      });
      stream?.on("end", () => rest && this.lines.push(rest));
    }
    this.exited = new Promise((resolve) => child.once("exit", (code) => resolve(code)));
  }
  output(): string {
    return this.lines.join("\n");
  }
  /** JSON log lines (the app's structured logs). */
  json(): Record<string, unknown>[] {
    return this.lines.flatMap<Record<string, unknown>>((line) => {
      try {
        const value = JSON.parse(line) as Record<string, unknown> | null;
        return value && typeof value === "object" ? [value] : [];
      } catch {
        return [];
      }
    });
  }
  async stop(signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    await this.exited;
  }
}

function environment(extra: Record<string, string>): NodeJS.ProcessEnv {
  // Production requires PUBLIC_BASE_URL (lib/env.ts); each instance sets its own, and scripts (seed, import) build no link.
  return { ...process.env, ...SECRETS, NODE_ENV: "production", PAYSTATUS_INSECURE_COOKIES: "1", TRUSTED_PROXY_HOPS: "1", DATABASE_POOL_SIZE: "5", PUBLIC_BASE_URL: "http://127.0.0.1", ...extra };
}

/** A `tsx` script of this repository (scripts/…) as its own process. */
export function spawnScript(script: string, args: string[], env: Record<string, string>): Proc {
  return new Proc(spawn(process.execPath, [...TSX, script, ...args], { env: environment(env), stdio: ["ignore", "pipe", "pipe"] }));
}

export async function runScript(script: string, args: string[], env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const proc = spawnScript(script, args, env);
  const code = await proc.exited;
  return { code, output: proc.output() };
}

/** One production instance of the build (scripts/http-server.mjs, as `npm start`), ready when /api/health answers 200. */
export async function startInstance(port: number, env: Record<string, string>): Promise<Proc> {
  const proc = new Proc(spawn(process.execPath, productionServerArgs(port, "127.0.0.1"), { env: environment({ PUBLIC_BASE_URL: `http://127.0.0.1:${port}`, ...env }), stdio: ["ignore", "pipe", "pipe"] }));
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (proc.child.exitCode !== null) throw new Error(`instance on ${port} exited:\n${proc.output()}`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/api/health`)).ok) return proc;
    } catch {
      // not listening yet
    }
    await sleep(250);
  }
  await proc.stop();
  throw new Error(`instance on ${port} did not become healthy:\n${proc.output()}`);
}

/** A fresh database on `server`, migrated and seeded with the demo receipts and staff. Returns its URL. */
export async function createDatabase(server: string, name: string): Promise<string> {
  const admin = postgres(`${server}/postgres`, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.unsafe(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = `${server}/${name}`;
  const seeded = await runScript("scripts/ops-seed.ts", [], { DATABASE_URL: url });
  if (seeded.code !== 0) throw new Error(`seeding ${name} failed:\n${seeded.output}`);
  return url;
}

export async function dropDatabase(server: string, name: string): Promise<void> {
  const admin = postgres(`${server}/postgres`, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`drop database if exists ${name} with (force)`);
  } finally {
    await admin.end();
  }
}

/**
 * A PostgreSQL cluster of the suite's own (initdb into a temporary directory,
 * its own port), so a test can stop and restart a database server without
 * touching the shared one. Run as the postgres user when the suite runs as root.
 */
export class PrivateCluster {
  readonly dir = mkdtempSync(join(tmpdir(), "paystatus-ops-pg-"));
  readonly server: string;
  private readonly bin: string;
  private constructor(readonly port: number) {
    this.server = `postgres://postgres@127.0.0.1:${port}`;
    const found = spawnSync("sh", ["-c", "ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1"], { encoding: "utf8" }).stdout.trim();
    if (!found) throw new Error("PostgreSQL server binaries not found under /usr/lib/postgresql");
    this.bin = found;
    if (process.getuid?.() === 0) chownSync(this.dir, Number(spawnSync("id", ["-u", "postgres"], { encoding: "utf8" }).stdout.trim()), 0);
  }
  /** initdb into a fresh temporary directory, then start. */
  static async create(port: number): Promise<PrivateCluster> {
    const cluster = new PrivateCluster(port);
    await cluster.pg("initdb", ["-D", cluster.data, "-A", "trust", "-U", "postgres", "--no-sync"]);
    await cluster.start();
    return cluster;
  }
  private get data() {
    return join(this.dir, "data");
  }
  private pg(tool: string, args: string[]): Promise<void> {
    const command = process.getuid?.() === 0 ? ["runuser", "-u", "postgres", "--", join(this.bin, tool), ...args] : [join(this.bin, tool), ...args];
    // Asynchronous: the test's clients keep sending while the server stops or starts.
    return new Promise((resolve, reject) => {
      const child = spawn(command[0]!, command.slice(1), { cwd: this.dir, stdio: ["ignore", "ignore", "pipe"] });
      let stderr = "";
      child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
      child.once("exit", (code) => (code === 0 ? resolve() : reject(new Error(`${tool} failed: ${stderr}`))));
    });
  }
  async start(): Promise<void> {
    const options = `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=60`;
    await this.pg("pg_ctl", ["-D", this.data, "-o", options, "-l", join(this.dir, "log"), "-w", "-t", "60", "start"]);
  }
  /** Fast shutdown: open sessions are cut, as in a failover or a restart for maintenance. */
  async stop(): Promise<void> {
    await this.pg("pg_ctl", ["-D", this.data, "-m", "fast", "-w", "stop"]);
  }
  /** The server's log, for a failing test's report. */
  logTail(lines = 40): string {
    try {
      return readFileSync(join(this.dir, "log"), "utf8").split("\n").slice(-lines).join("\n");
    } catch {
      return "(no server log)";
    }
  }
  async destroy(): Promise<void> {
    await this.stop().catch(() => {
      // already stopped
    });
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Every table of the public schema: row count and an order-independent checksum of its contents. */
export async function tableChecksums(url: string, except: string[] = []): Promise<Record<string, string>> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const tables = await sql<{ name: string }[]>`select tablename as name from pg_tables where schemaname = 'public' and tablename <> all(${except}) order by 1`;
    const result: Record<string, string> = {};
    for (const { name } of tables) {
      const [row] = await sql.unsafe<{ n: string; sum: string | null }[]>(
        `select count(*)::text as n, md5(coalesce(string_agg(md5(t::text), '' order by md5(t::text)), '')) as sum from "${name}" t`,
      );
      result[name] = `${row!.n}:${row!.sum}`;
    }
    return result;
  } finally {
    await sql.end();
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(250);
  }
}
