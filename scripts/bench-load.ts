import { spawn, type ChildProcess } from "node:child_process";
import { randomInt, randomUUID } from "node:crypto";
import { readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import autocannon from "autocannon";
import postgres from "postgres";
import sharp from "sharp";
import { receiptToken } from "@/lib/receipt-link";
import { flateInFlatePdf } from "@/lib/uploads/testing";
import { withLuhnDigit } from "@/lib/receipt-number";
import { CliError, runCli } from "./cli";
import { scratchDatabase } from "./bench-db";
import { buildIsStale, buildNext, productionServerArgs } from "./next-server";

/**
 * npm run bench:load — the production build on 127.0.0.1, one instance per
 * core (BENCH_INSTANCES) with the connections spread evenly across them,
 * against a PostgreSQL database of its own (created on BENCH_PG_SERVER, default
 * the local server, and dropped afterwards), driven for a bounded time at increasing
 * concurrency with a resident mix: QR status views, lookups with the right
 * and a wrong amount, and reports with a small photo. Every request comes
 * from its own client address (X-Forwarded-For, TRUSTED_PROXY_HOPS=1), as
 * behind a load balancer. First what each kind of request costs alone; then per
 * step: throughput, p50/p95/p99, errors and 5xx, and the CPU the servers and
 * the database used, to name the step where
 * throughput stops rising and why. A last step adds one abusive client among
 * the normal ones: it must be rate limited, the others must not notice. Then
 * residents alone, and residents beside an attacker sending one PDF bomb a
 * second (issue 12: 932 bytes, 256 MB inside, each from a new address so no
 * upload budget stops it): resident p99 must stay within 1.5× and no 5xx.
 */
const PORT = Number(process.env.BENCH_PORT ?? 3450);
const BASE = `http://127.0.0.1:${PORT}`;
/**
 * Every instance is addressed by one name, the first one's, as behind a balancer: it is every instance's
 * PUBLIC_BASE_URL, and every request (residents' and the attacker's alike) sends it as Host and Origin,
 * so server actions pass the origin check (lib/action-origin.mjs) and bombs are refused for what they are.
 */
const HOST = new URL(BASE).host;
/** Instances of the build, on PORT, PORT+1, …; connections are spread evenly across them, as an L4 balancer would. */
const INSTANCES = Number(process.env.BENCH_INSTANCES ?? cpus().length);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
/** BENCH_STEPS=none skips the steps (and the abusive-client step), for the PDF-bomb comparison alone. */
const STEPS = process.env.BENCH_STEPS === "none" ? [] : (process.env.BENCH_STEPS ?? "1,5,10,25,50,100").split(",").map(Number);
/** Resident connections of the PDF-bomb comparison (fewer on a busy machine, so p99 is not pinned at the 10 s timeout). */
const BOMB_CONNECTIONS = Number(process.env.BENCH_BOMB_CONNECTIONS ?? 40);
/** Alternating rounds of the PDF-bomb comparison (residents alone, then beside bombs, each BENCH_SECONDS): the figures pool every round's answers, so a burst of other work on the machine lands on both sides alike. */
const BOMB_ROUNDS = Number(process.env.BENCH_BOMB_ROUNDS ?? 2);
/** BENCH_DB: another scratch database name, so two runs on one server do not drop each other's. */
const DB = process.env.BENCH_DB ?? "paystatus_bench_load";
if (!/^[a-z_][a-z0-9_]{0,62}$/.test(DB)) throw new CliError("BENCH_DB must be a plain lower-case database name");
const RECEIPTS = 6000;
const SECRETS = { AUTH_SECRET: "bench-auth-secret-0123456789abcdef0123456789", RECEIPT_LINK_SECRET: "bench-receipt-link-secret-0123456789abcdef" };
const AMOUNT = "120.50";
const TSX = ["--import", "tsx", "--conditions=react-server"];

const receiptNo = (i: number) => withLuhnDigit(`66${String(i).padStart(13, "0")}`);
const anyReceipt = () => receiptNo(randomInt(0, RECEIPTS));
/** A resident: one of 60,000 addresses, so no normal client comes near the per-client limit (30 per 10 min). */
const residentAddress = () => `10.${randomInt(0, 240)}.${randomInt(0, 250)}.${randomInt(1, 254)}`;

type Outcome = { rateLimited: number; lookupsOk: number; ticketsOk: number };

runCli(async () => {
  if (buildIsStale()) {
    console.log("Building the portal (sources changed since the last build)…");
    buildNext();
  }
  const database = await prepareDatabase();
  const { url } = database;
  // BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the servers (NODE_OPTIONS may not carry --cpu-prof).
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? "").split(/\s+/).filter(Boolean);
  const servers = Array.from({ length: INSTANCES }, (_, i) =>
    spawn(process.execPath, [...nodeArgs, ...productionServerArgs(PORT + i, "127.0.0.1")], {
      env: { ...process.env, ...SECRETS, NODE_ENV: "production", DATABASE_URL: url, PAYSTATUS_INSECURE_COOKIES: "1", TRUSTED_PROXY_HOPS: "1", PUBLIC_BASE_URL: BASE },
      stdio: ["ignore", "ignore", "inherit"],
    }),
  );
  const serverPids = servers.map((server) => server.pid!);
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await Promise.all(servers.map((server, i) => waitForHealth(server, PORT + i)));
    const forms = await formTemplates();
    const photo = await sharp({ create: { width: 320, height: 240, channels: 3, background: { r: 40, g: 120, b: 200 } } }).jpeg({ quality: 80 }).toBuffer();

    // Warm up (JIT, module loading, connection pool) before measuring.
    await run(mix(forms, photo), 10, 3);

    // What each kind of request costs alone: latency at one connection and server CPU per request.
    console.log("\ncost of each kind of request alone (1 connection, 3 s; reports: 12 in a row):");
    const kinds: [string, autocannon.Request][] = [
      ["QR status view", statusView()],
      ["lookup, right amount", lookupRequest(forms.lookup, anyReceipt, () => AMOUNT)],
      ["lookup, wrong amount", lookupRequest(forms.lookup, anyReceipt, () => "99.99")],
      ["report with a photo", ticketRequest(forms.ticket, photo)],
      ["report with a PDF bomb", ticketRequest(forms.ticket, photo, undefined, flateInFlatePdf(256 * 1024 * 1024))],
    ];
    for (const [name, request] of kinds) {
      const cpu = await cpuMeter(serverPids, sql);
      const result = await run([request], 1, 3, name.startsWith("report") ? 12 : undefined);
      const used = await cpu.stop();
      const perRequest = (cores: number) => `${((cores * used.seconds * 1000) / Math.max(1, result.total)).toFixed(1).padStart(5)} ms`;
      console.log(`  ${name.padEnd(22)} mean ${result.mean.toFixed(1).padStart(6)} ms   server CPU ${perRequest(used.serverCpu)}   database CPU ${perRequest(used.dbCpu)} per request`);
    }

    console.log(`\nbench:load — production build, ${INSTANCES} instance(s) on one PostgreSQL, ${SECONDS}s per step, ${cpus().length} CPU cores`);
    console.log("mix per 10 requests: 5 QR status views, 2 lookups (right amount), 2 lookups (wrong amount), 1 report with a 320×240 photo\n");
    console.log("conns   req/s    p50    p95    p99  errors  5xx  rate-limited   server CPU   database CPU   machine CPU");
    const rows: { connections: number; rps: number; p99: number; serverCpu: number; dbCpu: number; machineCpu: number; fivexx: number }[] = [];
    for (const connections of STEPS) {
      const outcome: Outcome = { rateLimited: 0, lookupsOk: 0, ticketsOk: 0 };
      const cpu = await cpuMeter(serverPids, sql);
      const result = await run(mix(forms, photo, outcome), connections, SECONDS);
      const used = await cpu.stop();
      const row = { connections, rps: result.rps, p99: result.p99, ...used, fivexx: result.fivexx };
      rows.push(row);
      console.log(
        `${String(connections).padStart(5)} ${result.rps.toFixed(0).padStart(7)} ${ms(result.p50)} ${ms(result.p95)} ${ms(result.p99)} ${String(result.errors).padStart(7)} ${String(result.fivexx).padStart(4)} ${String(outcome.rateLimited).padStart(13)} ${pct(used.serverCpu)} ${pct(used.dbCpu)} ${pct(used.machineCpu)}`,
      );
    }

    const knee = rows.findIndex((r, i) => i > 0 && r.rps < rows[i - 1]!.rps * 1.1);
    if (knee > 0) {
      const r = rows[knee]!;
      const cores = cpus().length;
      const reason =
        r.machineCpu > 0.9 * cores
          ? `the machine's ${cores} cores are saturated (server ${pct(r.serverCpu).trim()}, database ${pct(r.dbCpu).trim()} of one core; the rest is the load generator and other processes)`
          : r.serverCpu > 0.9 * INSTANCES
            ? `the servers' JavaScript threads are saturated (${INSTANCES} instance(s) at ${pct(r.serverCpu).trim()} of one core, database ${pct(r.dbCpu).trim()})`
            : `neither CPU is saturated (server ${pct(r.serverCpu).trim()}, database ${pct(r.dbCpu).trim()}): waiting on the database pool or locks`;
      console.log(`\nthroughput stops rising at ${r.connections} connections (${rows[knee - 1]!.rps.toFixed(0)} → ${r.rps.toFixed(0)} req/s): ${reason}.`);
    } else {
      console.log("\nthroughput still rising at the last step.");
    }
    const at50 = rows.find((r) => r.connections === 50);
    if (STEPS.length > 0) {
      if (at50) console.log(`target at 50 connections (no 5xx, p99 < 500 ms): ${at50.fivexx === 0 && at50.p99 < 500 ? "met" : "MISSED"} (5xx ${at50.fivexx}, p99 ${at50.p99} ms)`);

      // One abusive client (one address, wrong amounts, 10 connections) among 40 connections of residents.
      const normal: Outcome = { rateLimited: 0, lookupsOk: 0, ticketsOk: 0 };
      const abusive: Outcome = { rateLimited: 0, lookupsOk: 0, ticketsOk: 0 };
      const abuser = `192.0.2.${randomInt(1, 254)}`;
      const [residents, attacker] = await Promise.all([
        run(mix(forms, photo, normal), 40, SECONDS),
        run([lookupRequest(forms.lookup, () => anyReceipt(), () => `${randomInt(1, 999)}.00`, abusive, () => abuser)], 10, SECONDS),
      ]);
      const abusiveLookups = attacker.total;
      console.log(`\nabusive client (${abuser}, 10 connections of wrong-amount lookups) beside 40 connections of residents:`);
      console.log(
        `  abusive: ${abusiveLookups} lookups answered, ${abusive.rateLimited} refused as rate limited (${((abusive.rateLimited / Math.max(1, abusiveLookups)) * 100).toFixed(1)} %), errors/timeouts ${attacker.errors}, p99 ${attacker.p99} ms`,
      );
      console.log(`  residents: ${residents.rps.toFixed(0)} req/s, p99 ${residents.p99} ms, 5xx ${residents.fivexx}, rate limited ${normal.rateLimited}, lookups answered ${normal.lookupsOk}, reports made ${normal.ticketsOk}`);
    }

    // Residents alone, then the same residents beside one PDF bomb a second (issue 12).
    // Let the previous step's backlog drain first.
    await new Promise((r) => setTimeout(r, 5000));
    // Warm-up at this concurrency first (not measured): the first seconds at a new concurrency fill the
    // database pools and the proof queue, and would otherwise land in the "alone" figures only.
    await run(mix(forms, photo), BOMB_CONNECTIONS, Math.min(10, SECONDS));
    const calmRounds: Run[] = [];
    const attackRounds: Run[] = [];
    const bombRounds: Awaited<ReturnType<typeof bombEverySecond>>[] = [];
    for (let round = 0; round < BOMB_ROUNDS; round++) {
      calmRounds.push(await run(mix(forms, photo), BOMB_CONNECTIONS, SECONDS));
      const [attacked, bombedRound] = await Promise.all([run(mix(forms, photo), BOMB_CONNECTIONS, SECONDS), bombEverySecond(forms.ticket, SECONDS)]);
      attackRounds.push(attacked);
      bombRounds.push(bombedRound);
    }
    const calm = pooled(calmRounds);
    const underAttack = pooled(attackRounds);
    const bombed = bombRounds.reduce((all, r) => {
      for (const [status, n] of Object.entries(r.other)) all.other[status] = (all.other[status] ?? 0) + n;
      return { ...all, sent: all.sent + r.sent, refused: all.refused + r.refused, fivexx: all.fivexx + r.fivexx };
    });
    console.log(`\nrounds (${SECONDS} s each), resident p99 alone / beside bombs: ${calmRounds.map((c, i) => `${c.p99} / ${attackRounds[i]!.p99} ms`).join(", ")}`);
    const ratio = calm.total > 0 && calm.p99 > 0 ? underAttack.p99 / calm.p99 : Number.NaN;
    console.log(`PDF bomb (${bombed.bytes} bytes, 256 MB inside) once a second, each from a new address, beside ${BOMB_CONNECTIONS} connections of residents, ${BOMB_ROUNDS} round(s) pooled (load average now ${loadavg().map((n) => n.toFixed(1)).join(" ")}):`);
    console.log(`  residents alone:         ${calm.rps.toFixed(0).padStart(5)} req/s, p50 ${calm.p50} ms, p99 ${calm.p99} ms, 5xx ${calm.fivexx}, 403 ${calm.forbidden}, errors/timeouts ${calm.errors}`);
    console.log(`  residents beside bombs:  ${underAttack.rps.toFixed(0).padStart(5)} req/s, p50 ${underAttack.p50} ms, p99 ${underAttack.p99} ms, 5xx ${underAttack.fivexx}, 403 ${underAttack.forbidden}, errors/timeouts ${underAttack.errors}`);
    console.log(`  bombs sent ${bombed.sent}, refused as a proof that cannot be read ${bombed.refused}, other answers ${JSON.stringify(bombed.other)}, 5xx ${bombed.fivexx}`);
    console.log(
      Number.isNaN(ratio)
        ? "  resident p99 ratio: no figure (the run without the attacker got no answers: the machine is saturated)"
        : `  resident p99 ratio ${ratio.toFixed(2)}× (target ≤ 1.5×, no 5xx): ${ratio <= 1.5 && underAttack.fivexx === 0 && bombed.fivexx === 0 ? "met" : "MISSED"}`,
    );
  } finally {
    await Promise.all(
      servers.map((server) => {
        server.kill("SIGTERM");
        return new Promise((resolve) => server.once("exit", resolve));
      }),
    );
    await sql.end();
    await database.drop();
  }
});

async function prepareDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const database = await scratchDatabase(DB);
  const { url } = database;
  await script("scripts/ops-seed.ts", [], url);
  // Receipts paid 20 days ago and not yet posted (overdue): a report on one opens a ticket.
  const paidAt = new Date(Date.now() - 20 * 24 * 3600_000).toISOString();
  const lines = ["receipt_no,service,payer_name,payer_phone,amount_due,amount_paid,channel,paid_at,bank_ref,billing_status"];
  for (let i = 0; i < RECEIPTS; i++) lines.push(`${receiptNo(i)},tax,张三,,${AMOUNT},${AMOUNT},online_bank,${paidAt},,paid`);
  const file = join(tmpdir(), `paystatus-bench-load-${process.pid}.csv`);
  writeFileSync(file, lines.join("\n") + "\n");
  try {
    await script("scripts/import.ts", ["receipts", file], url);
  } finally {
    rmSync(file, { force: true });
  }
  return database;
}

function script(path: string, args: string[], url: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...TSX, path, ...args], { env: { ...process.env, ...SECRETS, DATABASE_URL: url }, stdio: ["ignore", "ignore", "inherit"] });
    child.once("exit", (code) => (code === 0 ? resolve() : reject(new CliError(`${path} failed`))));
  });
}

async function waitForHealth(server: ChildProcess, port: number): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new CliError("the server exited during start-up");
    try {
      if ((await fetch(`http://127.0.0.1:${port}/api/health`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new CliError("the server did not start within 60 s");
}

type FormTemplate = { path: string; fields: [string, string][] };

/** The hidden inputs of the lookup and report forms (server action ids), as a browser would post them. */
async function formTemplates(): Promise<{ lookup: FormTemplate; ticket: FormTemplate }> {
  const hidden = (html: string, marker: string): [string, string][] => {
    const form = [...html.matchAll(/<form[\s\S]*?<\/form>/g)].map((m) => m[0]).find((f) => f.includes(marker));
    if (!form) throw new CliError(`form with ${marker} not found`);
    return [...form.matchAll(/<input type="hidden" name="([^"]+)"(?: value="([^"]*)")?/g)].map((m) => [decode(m[1]!), decode(m[2] ?? "")]);
  };
  const lookupHtml = await (await fetch(`${BASE}/`)).text();
  const ticketPath = `/r/${receiptNo(0)}/ticket?t=${receiptToken(SECRETS.RECEIPT_LINK_SECRET, receiptNo(0))}`;
  const ticketHtml = await (await fetch(BASE + ticketPath)).text();
  return { lookup: { path: "/", fields: hidden(lookupHtml, 'name="receipt"') }, ticket: { path: ticketPath, fields: hidden(ticketHtml, 'name="idempotency_key"') } };
}

function decode(value: string): string {
  return value.replace(/&quot;/g, '"').replace(/&#x27;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}

function multipart(fields: [string, string][], file?: { name: string; filename: string; type: string; data: Buffer }): { body: Buffer; type: string } {
  const boundary = `----paystatus${randomUUID().replace(/-/g, "")}`;
  const parts: Buffer[] = fields.map(([name, value]) => Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
  if (file) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${file.name}"; filename="${file.filename}"\r\nContent-Type: ${file.type}\r\n\r\n`), file.data, Buffer.from("\r\n"));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(parts), type: `multipart/form-data; boundary=${boundary}` };
}

function statusView(): autocannon.Request {
  return {
    method: "GET",
    setupRequest: (req) => {
      const no = anyReceipt();
      return { ...req, path: `/r/${no}?t=${receiptToken(SECRETS.RECEIPT_LINK_SECRET, no)}`, headers: { host: HOST, "x-forwarded-for": residentAddress(), "accept-language": "zh-CN" } };
    },
  };
}

function lookupRequest(form: FormTemplate, receipt: () => string, amount: () => string, outcome?: Outcome, address: () => string = residentAddress): autocannon.Request {
  return {
    method: "POST",
    path: form.path,
    setupRequest: (req) => {
      const { body, type } = multipart([...form.fields, ["receipt", receipt()], ["amount", amount()]]);
      return { ...req, body, headers: { "content-type": type, host: HOST, origin: BASE, "x-forwarded-for": address(), "accept-language": "zh-CN" } };
    },
    onResponse: (status, body) => {
      if (!outcome) return;
      if (status === 429 || body.includes('data-error="rate_limited"')) outcome.rateLimited++;
      else if (status === 303 || body.includes('data-error="no_match"')) outcome.lookupsOk++;
    },
  };
}

/** A report with a photo, or with `pdf` attached instead (the bomb's cost alone). */
function ticketRequest(form: FormTemplate, photo: Buffer, outcome?: Outcome, pdf?: Buffer): autocannon.Request {
  return {
    method: "POST",
    setupRequest: (req) => {
      const no = anyReceipt();
      const token = receiptToken(SECRETS.RECEIPT_LINK_SECRET, no);
      const fields = form.fields.filter(([name]) => !["receipt", "t", "idempotency_key"].includes(name));
      const { body, type } = multipart(
        [...fields, ["receipt", no], ["t", token], ["idempotency_key", randomUUID()], ["category", "not_posted"], ["description", "已经付款二十天了，还没有入账。"], ["contact", "13800138000"]],
        pdf ? { name: "proof", filename: "receipt.pdf", type: "application/pdf", data: pdf } : { name: "proof", filename: "receipt.jpg", type: "image/jpeg", data: photo },
      );
      return { ...req, path: `/r/${no}/ticket?t=${token}`, body, headers: { "content-type": type, host: HOST, origin: BASE, "x-forwarded-for": residentAddress(), "accept-language": "zh-CN" } };
    },
    onResponse: (status) => {
      if (outcome && status === 303) outcome.ticketsOk++;
    },
  };
}

/** One PDF-bomb report a second for `seconds`, round robin over the instances, each from a fresh address; every answer is counted. */
async function bombEverySecond(form: FormTemplate, seconds: number) {
  const bomb = flateInFlatePdf(256 * 1024 * 1024);
  const answers: Promise<void>[] = [];
  const tally = { bytes: bomb.length, sent: 0, refused: 0, fivexx: 0, other: {} as Record<string, number> };
  for (let i = 0; i < seconds; i++) {
    const no = anyReceipt();
    const token = receiptToken(SECRETS.RECEIPT_LINK_SECRET, no);
    const fields = form.fields.filter(([name]) => !["receipt", "t", "idempotency_key"].includes(name));
    const { body, type } = multipart(
      [...fields, ["receipt", no], ["t", token], ["idempotency_key", randomUUID()], ["category", "not_posted"], ["description", "见附件。"], ["contact", "13800138000"]],
      { name: "proof", filename: "receipt.pdf", type: "application/pdf", data: bomb },
    );
    const url = `http://127.0.0.1:${PORT + (i % INSTANCES)}/r/${no}/ticket?t=${token}`;
    tally.sent++;
    answers.push(
      post(url, body, { "content-type": type, host: HOST, origin: BASE, "x-forwarded-for": `203.0.113.${(i % 250) + 1}`, "accept-language": "zh-CN" })
        .then(({ status, html }) => {
          if (status >= 500) tally.fivexx++;
          else if (status === 200 && html.includes('data-error="invalid"')) tally.refused++;
          else tally.other[String(status)] = (tally.other[String(status)] ?? 0) + 1;
        })
        .catch(() => {
          tally.other.network = (tally.other.network ?? 0) + 1;
        }),
    );
    await new Promise((r) => setTimeout(r, 1000));
  }
  await Promise.all(answers);
  return tally;
}

/** A POST with the Host given (fetch would put the instance's own address there). */
function post(url: string, body: Buffer, headers: Record<string, string>): Promise<{ status: number; html: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: "POST", headers: { ...headers, "content-length": String(body.length) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, html: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    req.setTimeout(60_000, () => req.destroy(new Error("timeout")));
    req.on("error", reject);
    req.end(body);
  });
}

function mix(forms: { lookup: FormTemplate; ticket: FormTemplate }, photo: Buffer, outcome?: Outcome): autocannon.Request[] {
  const right = lookupRequest(forms.lookup, anyReceipt, () => AMOUNT, outcome);
  const wrong = lookupRequest(forms.lookup, anyReceipt, () => "99.99", outcome);
  return [statusView(), right, statusView(), wrong, statusView(), ticketRequest(forms.ticket, photo, outcome), statusView(), right, statusView(), wrong];
}

type Run = { rps: number; total: number; mean: number; errors: number; fivexx: number; forbidden: number; p50: number; p95: number; p99: number; times: number[] };

/** Several runs as one: every answer's time pooled, counts added, throughput averaged. */
function pooled(runs: Run[]): Run {
  const times = runs.flatMap((r) => r.times).sort((a, b) => a - b);
  const sum = (f: (r: Run) => number) => runs.reduce((n, r) => n + f(r), 0);
  return { ...summary(times), rps: sum((r) => r.rps) / Math.max(1, runs.length), total: sum((r) => r.total), errors: sum((r) => r.errors), fivexx: sum((r) => r.fivexx), forbidden: sum((r) => r.forbidden) };
}

/** Mean and percentiles of sorted response times. */
function summary(times: number[]) {
  const at = (q: number) => Math.round(times[Math.min(times.length - 1, Math.floor(q * times.length))] ?? 0);
  return { times, mean: times.reduce((n, t) => n + t, 0) / Math.max(1, times.length), p50: at(0.5), p95: at(0.95), p99: at(0.99) };
}

/** One bounded load step, its connections spread across the instances; percentiles from every response time. */
/** `amount`: that many requests (per instance used) instead of `seconds`. */
async function run(requests: autocannon.Request[], connections: number, seconds: number, amount?: number): Promise<Run> {
  const times: number[] = [];
  let forbidden = 0;
  const shares = Array.from({ length: Math.min(INSTANCES, connections) }, (_, i) => Math.floor(connections / INSTANCES) + (i < connections % INSTANCES ? 1 : 0));
  const results = await Promise.all(
    shares.map(
      (share, i) =>
        new Promise<autocannon.Result>((resolve, reject) => {
          const instance = autocannon({ url: `http://127.0.0.1:${PORT + i}`, connections: share, ...(amount ? { amount } : { duration: seconds }), requests, timeout: 10 }, (error: unknown, result: autocannon.Result) =>
            error ? reject(error instanceof Error ? error : new Error("autocannon failed")) : resolve(result),
          );
          instance.on("response", (_client, status, _bytes, responseTime) => {
            times.push(responseTime);
            if (status === 403) forbidden++;
          });
        }),
    ),
  );
  times.sort((a, b) => a - b);
  return {
    ...summary(times),
    rps: results.reduce((n, r) => n + r.requests.average, 0),
    total: results.reduce((n, r) => n + r.requests.total, 0),
    errors: results.reduce((n, r) => n + r.errors + r.timeouts, 0),
    fivexx: results.reduce((n, r) => n + r["5xx"], 0),
    forbidden,
  };
}

/** CPU seconds used per wall second (1.0 = one core) by the server's process tree, the database's backends and the whole machine. */
async function cpuMeter(serverPids: number[], sql: postgres.Sql) {
  const ticks = (pid: number) => {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
      return Number(fields[11]) + Number(fields[12]);
    } catch {
      return 0;
    }
  };
  const tree = (root: number): number[] => {
    const children = readdirSync("/proc")
      .filter((d) => /^\d+$/.test(d))
      .filter((d) => {
        try {
          return readFileSync(`/proc/${d}/stat`, "utf8").split(") ")[1]!.split(" ")[1] === String(root);
        } catch {
          return false;
        }
      })
      .map(Number);
    return [root, ...children.flatMap(tree)];
  };
  const machine = () => {
    const [, ...values] = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/);
    const n = values.map(Number);
    return n[0]! + n[1]! + n[2]! + n[5]! + n[6]! + n[7]!;
  };
  // The benchmark database's own backends (the server's pool), not other databases on the same server.
  const backends = async () => (await sql<{ pid: number }[]>`select pid from pg_stat_activity where datname = ${DB} and pid <> pg_backend_pid()`).map((r) => r.pid);
  const sum = (pids: number[]) => pids.reduce((total, pid) => total + ticks(pid), 0);
  const hz = 100;
  const started = Date.now();
  const treePids = serverPids.flatMap(tree);
  const dbBefore = new Map((await backends()).map((pid) => [pid, ticks(pid)]));
  const serverBefore = sum(treePids);
  const machineBefore = machine();
  return {
    async stop() {
      const seconds = (Date.now() - started) / 1000;
      const dbPids = await backends();
      const dbTicks = dbPids.reduce((total, pid) => total + ticks(pid) - (dbBefore.get(pid) ?? 0), 0);
      return {
        seconds,
        serverCpu: (sum(treePids) - serverBefore) / hz / seconds,
        dbCpu: dbTicks / hz / seconds,
        machineCpu: (machine() - machineBefore) / hz / seconds,
      };
    },
  };
}

const ms = (value: number) => `${String(value).padStart(6)}`;
const pct = (cores: number) => `${(cores * 100).toFixed(0).padStart(9)} %`;
