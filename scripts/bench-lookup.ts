import { spawn } from "node:child_process";
import { get as httpGet } from "node:http";
import { gunzipSync } from "node:zlib";
import autocannon from "autocannon";
import { DEMO_RECEIPT_NUMBERS } from "@/db/seed/demo-receipts";
import { receiptToken } from "@/lib/receipt-link";
import { scratchDatabase } from "./bench-db";
import { runCli } from "./cli";

/**
 * npm run bench:lookup — serves the production build on PostgreSQL (a scratch
 * database on the local server, demo data, dropped afterwards), loads the
 * status page and a trivial dynamic page of the same build under the same
 * concurrency, and prints throughput, latency, their ratio and the bytes the
 * status page sends to a phone. The two pages take turns in short rounds, so
 * other work on the machine weighs on both alike. Only ever targets
 * 127.0.0.1; each round is bounded in time.
 */
const PORT = Number(process.env.BENCH_PORT ?? 3500);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
// Many short rounds: on a shared machine the speed drifts over seconds, and both pages should see the same drift.
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 10);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const base = `http://127.0.0.1:${PORT}`;
const secret = "bench-receipt-link-secret-0123456789abcdef";

runCli(async () => {
  const database = await scratchDatabase("paystatus_bench_lookup");
  const server = spawn(process.execPath, ["--import", "tsx", "--conditions=react-server", "scripts/demo.ts"], {
    env: {
      ...process.env,
      PORT: String(PORT),
      DATABASE_URL: database.url,
      AUTH_SECRET: "bench-auth-secret-0123456789abcdef0123456789",
      RECEIPT_LINK_SECRET: secret,
      PAYSTATUS_BENCH: "1",
    },
    stdio: "ignore",
  });
  try {
    await waitForHealth();
    const receiptNo = DEMO_RECEIPT_NUMBERS.pending.receiptNo;
    const statusPath = `/r/${receiptNo}?t=${receiptToken(secret, receiptNo)}`;
    const trivialPath = "/bench/trivial";
    await check(statusPath, 'data-status="pending"');
    await check(trivialPath, "ok");

    // Warm both paths (JIT, module loading, connection pool) before measuring.
    await load(statusPath, 3);
    await load(trivialPath, 3);
    const trivial = new Measure();
    const status = new Measure();
    const roundRatios: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const t = await load(trivialPath, SECONDS);
      const s = await load(statusPath, SECONDS);
      trivial.add(t);
      status.add(s);
      roundRatios.push(s.result.requests.total / s.result.duration / (t.result.requests.total / t.result.duration));
    }
    const bytes = await bytesToPhone(statusPath);

    const row = (name: string, m: Measure) =>
      `${name.padEnd(14)} ${m.rps.toFixed(0).padStart(8)} req/s   p50 ${String(m.at(0.5)).padStart(4)} ms   p99 ${String(m.at(0.99)).padStart(4)} ms   errors ${m.errors}`;
    console.log(`\nbench:lookup — ${CONNECTIONS} connections, ${ROUNDS} rounds of ${SECONDS}s per page, production build, PostgreSQL`);
    console.log(row("trivial page", trivial));
    console.log(row("status page", status));
    console.log(`throughput ratio (status / trivial): ${(status.rps / trivial.rps).toFixed(2)}  (target ≥ 0.80)`);
    const sorted = roundRatios.sort((a, b) => a - b);
    console.log(`  per round: median ${sorted[Math.floor(sorted.length / 2)]!.toFixed(2)}, lowest ${sorted[0]!.toFixed(2)}, highest ${sorted.at(-1)!.toFixed(2)}`);
    console.log(`p99 ratio (status / trivial):        ${(status.at(0.99) / Math.max(1, trivial.at(0.99))).toFixed(2)}`);
    console.log(`bytes to a phone (gzip, HTML + CSS + JS): ${(bytes.total / 1024).toFixed(1)} KB  (HTML ${(bytes.html / 1024).toFixed(1)} KB, ${bytes.assets} assets)  (target < 150 KB)`);
  } finally {
    server.kill("SIGTERM");
    await new Promise((resolve) => server.once("exit", resolve));
    await database.drop();
  }
});

/** Requests, seconds and every response time over several rounds of one page. */
class Measure {
  private times: number[] = [];
  private requests = 0;
  private seconds = 0;
  errors = 0;
  add(run: { result: autocannon.Result; times: number[] }) {
    this.times.push(...run.times);
    this.requests += run.result.requests.total;
    this.seconds += run.result.duration;
    this.errors += run.result.errors + run.result.non2xx;
  }
  get rps() {
    return this.requests / Math.max(1, this.seconds);
  }
  at(q: number) {
    const sorted = [...this.times].sort((a, b) => a - b);
    return Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0);
  }
}

async function waitForHealth(): Promise<void> {
  const deadline = Date.now() + 240_000;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`${base}/api/health`)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error("server did not start within 240 s");
}

async function check(path: string, needle: string): Promise<void> {
  const body = await (await fetch(base + path)).text();
  if (!body.includes(needle)) throw new Error(`${path} did not render as expected`);
}

function load(path: string, seconds: number): Promise<{ result: autocannon.Result; times: number[] }> {
  const times: number[] = [];
  return new Promise((resolve, reject) => {
    const instance = autocannon({ url: base + path, connections: CONNECTIONS, duration: seconds, headers: { "accept-language": "zh-CN" } }, (error: unknown, result: autocannon.Result) =>
      error ? reject(error instanceof Error ? error : new Error("autocannon failed")) : resolve({ result, times }),
    );
    instance.on("response", (_client, _status, _bytes, responseTime) => times.push(responseTime));
  });
}

/** What a phone downloads on first visit: the compressed HTML and every script and stylesheet it references. */
async function bytesToPhone(path: string): Promise<{ total: number; html: number; assets: number }> {
  // node:http, not fetch: fetch decompresses and hides the bytes on the wire.
  const get = (url: string) =>
    new Promise<{ size: number; text: string }>((resolve, reject) => {
      httpGet(url, { headers: { "accept-encoding": "gzip" } }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const raw = Buffer.concat(chunks);
          const text = (res.headers["content-encoding"] === "gzip" ? gunzipSync(raw) : raw).toString("utf8");
          resolve({ size: raw.length, text });
        });
      }).on("error", reject);
    });
  const page = await get(base + path);
  // Polyfills are loaded with <script nomodule>, which no modern phone browser downloads.
  const legacyOnly = new Set([...page.text.matchAll(/<script[^>]*src="([^"]+)"[^>]*noModule[^>]*>/gi)].map((m) => m[1]!));
  const referenced = [...page.text.matchAll(/(?:src|href)="(\/_next\/static\/[^"]+\.(?:js|css))"/g)].map((m) => m[1]!);
  const assets = [...new Set(referenced)].filter((a) => !legacyOnly.has(a));
  let total = page.size;
  for (const asset of assets) total += (await get(base + asset)).size;
  return { total, html: page.size, assets: assets.length };
}
