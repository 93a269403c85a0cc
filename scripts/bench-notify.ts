import { spawn, type ChildProcess } from "node:child_process";
import { randomInt } from "node:crypto";
import { cpus, loadavg } from "node:os";
import autocannon from "autocannon";
import postgres from "postgres";
import { closeDb, openDatabase, replaceDbHandle } from "@/db/client";
import { migrateDatabase } from "@/db/migrate";
import { acquirerSignature, generateTestKeys, RECEIPT_CHANNEL_FOR, signAlipayNotification, signWechatNotification, type NotifyChannel, type TestKeySet } from "@/lib/channels";
import { withLuhnDigit } from "@/lib/receipt-number";
import { scratchDatabase } from "./bench-db";
import { CliError, runCli } from "./cli";
import { buildIsStale, buildNext, productionServerArgs } from "./next-server";

/**
 * npm run bench:notify [-- --rounds 4] [--seconds 5] [--connections 16] — one
 * production instance on 127.0.0.1 (a scratch PostgreSQL database, receipts of
 * each channel seeded, dropped afterwards) takes signed payment notifications
 * (WeChat Pay RSA-SHA256 + AES-256-GCM resource, Alipay RSA2 form, acquirer HMAC
 * JSON, a third each); a tenth of them are retries of one already sent (same
 * transaction, same body). In the same run, alternating rounds load a trivial
 * POST route handler of the same build (`/bench/post`), so other work on the
 * machine weighs on both alike. Bodies are signed before each round (the
 * client's signing is not measured; WeChat Pay's timestamp stays within its
 * 5 minutes). A notification cut off by the end of a round is sent again, as
 * the channel would. Afterwards the database is counted: every transaction
 * sent is one row in channel_confirmations, none lost, none twice. Prints
 * throughput, p50/p99, the ratio to the trivial handler and the targets.
 * BENCH_SERVER_NODE_ARGS passes flags to the server's node (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`).
 */
const args = process.argv.slice(2);
const option = (flag: string, variable: string | undefined, fallback: number) => {
  const value = Number(args.indexOf(flag) >= 0 ? args[args.indexOf(flag) + 1] : (variable ?? fallback));
  if (!Number.isInteger(value) || value < 1 || value > 1000) throw new CliError(`${flag} must be a whole number from 1 to 1000`);
  return value;
};
const PORT = Number(process.env.BENCH_PORT ?? 3550);
const BASE = `http://127.0.0.1:${PORT}`;
const ROUNDS = option("--rounds", process.env.BENCH_ROUNDS, 4);
const SECONDS = option("--seconds", process.env.BENCH_SECONDS, 5);
const CONNECTIONS = option("--connections", process.env.BENCH_CONNECTIONS, 16);
const SECRETS = { AUTH_SECRET: "bench-auth-secret-0123456789abcdef0123456789", RECEIPT_LINK_SECRET: "bench-receipt-link-secret-0123456789abcdef" };
const CHANNELS: NotifyChannel[] = ["wechat", "alipay", "acquirer"];
/** Receipts seeded per channel; fresh notifications go to them in turn (a second lap would be a second payment of a receipt). */
const RECEIPTS_PER_CHANNEL = 20_000;
const AMOUNT_FEN = 12050;
const RETRY_EVERY = 10;
const TARGETS = { ratio: 0.5, p99Ms: 100 };
const PATHS: Record<NotifyChannel, string> = { wechat: "/api/v1/channels/wechat/notify", alipay: "/api/v1/channels/alipay/notify", acquirer: "/api/v1/channels/acquirer/notify" };
const TRIVIAL_PATH = "/bench/post";

/** `67` + channel digit + 12-digit index + Luhn digit: 16 digits, the default receipt format. */
const receiptNo = (channel: NotifyChannel, i: number) => withLuhnDigit(`67${CHANNELS.indexOf(channel)}${String(i).padStart(12, "0")}`);

type Notification = { channel: NotifyChannel; transactionId: string; headers: Record<string, string>; body: string; answered: boolean };

/** What each channel takes as "accepted" (anything else it retries). */
const accepted: Record<NotifyChannel, (status: number, body: string) => boolean> = {
  wechat: (status) => status === 204 || status === 200,
  alipay: (status, body) => status === 200 && body === "success",
  acquirer: (status, body) => status === 200 && body === '{"result":"ok"}',
};

runCli(async () => {
  if (buildIsStale()) {
    console.log("Building the portal (sources changed since the last build)…");
    buildNext();
  }
  const keys = generateTestKeys();
  const database = await scratchDatabase("paystatus_bench_notify");
  const sql = postgres(database.url, { max: 1, onnotice: () => {} });
  try {
    const handle = openDatabase({ url: database.url });
    replaceDbHandle(handle);
    await migrateDatabase(handle);
    await seedReceipts(sql);
    await measure(keys, database.url, sql);
  } finally {
    await sql.end();
    await closeDb();
    await database.drop();
  }
});

async function measure(keys: TestKeySet, url: string, sql: postgres.Sql): Promise<void> {
  // BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the server (NODE_OPTIONS may not carry --cpu-prof).
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? "").split(/\s+/).filter(Boolean);
  const server = spawn(process.execPath, [...nodeArgs, ...productionServerArgs(PORT, "127.0.0.1")], {
    env: {
      ...process.env,
      ...SECRETS,
      ...keys.env,
      NODE_ENV: "production",
      DATABASE_URL: url,
      PAYSTATUS_INSECURE_COOKIES: "1",
      // The channels post straight to the instance here: no balancer, no X-Forwarded-For.
      TRUSTED_PROXY_HOPS: "0",
      PUBLIC_BASE_URL: BASE,
      PAYSTATUS_BENCH: "1",
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
  try {
    await waitForHealth(server);
    const signer = new Signer(keys);
    const sent: Notification[] = [];

    // One of each by hand: a key or route that is off fails here with a clear message, not as 404s under load.
    for (const n of signer.sign(3)) {
      await deliver(n);
      if (!n.answered) throw new CliError(`the ${n.channel} endpoint did not accept a signed notification`);
      sent.push(n);
    }
    const trivialBodies = signer.sign(3);
    const probe = await fetch(BASE + TRIVIAL_PATH, { method: "POST", headers: trivialBodies[0]!.headers, body: trivialBodies[0]!.body });
    if (probe.status !== 204) throw new CliError(`${TRIVIAL_PATH} answered ${probe.status} (is PAYSTATUS_BENCH=1 reaching the server?)`);

    // Warm up both (JIT, module loading, connection pool); the warm-up's notifications are counted like the others.
    await loadTrivial(trivialBodies, 2);
    const warm = await loadNotifications(signer, 600, 3);
    sent.push(...warm.fresh);
    // Twice the fresh bodies a round at the last round's pace needs; a round that runs out ends early and the next gets twice as many.
    const enough = (round: NotifyRound) => Math.ceil(((round.requests / round.seconds) * SECONDS * 2 * (RETRY_EVERY - 1)) / RETRY_EVERY) + 200;
    let poolSize = enough(warm);

    const trivial = new Measure();
    const notify = new Measure();
    const roundRatios: number[] = [];
    let signing = { count: 0, ms: 0 };
    let resent = 0;
    let cutShort = 0;
    const load = { start: loadavg()[0]!, max: loadavg()[0]! };
    for (let round = 0; round < ROUNDS; round++) {
      const t = await loadTrivial(trivialBodies, SECONDS);
      const n = await loadNotifications(signer, poolSize, SECONDS);
      trivial.add(t);
      notify.add(n);
      sent.push(...n.fresh);
      signing = { count: signing.count + n.signed, ms: signing.ms + n.signingMs };
      resent += n.resent;
      roundRatios.push(n.requests / n.seconds / (t.requests / t.seconds));
      if (n.exhausted) cutShort++;
      poolSize = Math.max(n.exhausted ? poolSize * 2 : poolSize, enough(n));
      load.max = Math.max(load.max, loadavg()[0]!);
    }
    const loadEnd = loadavg()[0]!;

    const counted = await countConfirmations(sql, sent);
    const unanswered = sent.filter((n) => !n.answered).length;
    const ratio = notify.rps / trivial.rps;
    const p99 = notify.at(0.99);

    const row = (name: string, m: Measure) =>
      `${name.padEnd(22)} ${m.rps.toFixed(0).padStart(7)} req/s   p50 ${String(m.at(0.5)).padStart(4)} ms   p99 ${String(m.at(0.99)).padStart(4)} ms   not accepted ${m.refused}   errors ${m.errors}`;
    console.log(`\nbench:notify — ${CONNECTIONS} connections, ${ROUNDS} alternating rounds of ${SECONDS}s per target, production build, one instance, PostgreSQL, ${cpus().length} CPU cores`);
    console.log(`load average (1 min): ${load.start.toFixed(2)} at the start, ${load.max.toFixed(2)} at most, ${loadEnd.toFixed(2)} at the end`);
    console.log(`pre-signed ${signing.count} notifications before the rounds (${(signing.ms / Math.max(1, signing.count)).toFixed(2)} ms each, not timed)${cutShort ? `; ${cutShort} round(s) ran out of signed bodies and ended early (timed by their real length)` : ""}`);
    console.log(row("trivial POST handler", trivial));
    console.log(row("notifications", notify));
    const mix = CHANNELS.map((c) => `${c} ${notify.byChannel[c]}`).join(", ");
    console.log(`  sent: ${mix}; retries ${notify.retries} of ${notify.dispatched} (${((notify.retries / Math.max(1, notify.dispatched)) * 100).toFixed(1)} %); cut off by a round's end and sent again: ${resent}`);
    console.log(`throughput ratio (notifications / trivial): ${ratio.toFixed(2)}  (target ≥ ${TARGETS.ratio.toFixed(2)}: ${ratio >= TARGETS.ratio ? "met" : "MISSED"})`);
    const sorted = [...roundRatios].sort((a, b) => a - b);
    console.log(`  per round: median ${sorted[Math.floor(sorted.length / 2)]!.toFixed(2)}, lowest ${sorted[0]!.toFixed(2)}, highest ${sorted.at(-1)!.toFixed(2)}`);
    console.log(`notification p99: ${p99} ms  (target < ${TARGETS.p99Ms} ms: ${p99 < TARGETS.p99Ms ? "met" : "MISSED"})`);
    console.log(
      `database: ${counted.distinctSent} distinct transactions sent (${CHANNELS.map((c) => `${c} ${counted.sentBy[c]}`).join(", ")}), ${counted.rows} rows in channel_confirmations, ${counted.linked} linked to their receipt`,
    );
    const clean = counted.lost === 0 && counted.duplicated === 0 && counted.unexpected === 0 && unanswered === 0 && notify.refused === 0;
    console.log(
      `  lost ${counted.lost}, duplicated ${counted.duplicated}, rows for nothing sent ${counted.unexpected}, never accepted ${unanswered}, answers not as the channel expects ${notify.refused}  (target all 0: ${clean ? "met" : "MISSED"})`,
    );
  } finally {
    server.kill("SIGTERM");
    await new Promise((resolve) => server.once("exit", resolve));
  }
}

/** Paid receipts on each notifying channel's receipt channel (wechat, alipay, pos), all of the same amount. */
async function seedReceipts(sql: postgres.Sql): Promise<void> {
  for (const channel of CHANNELS) {
    const numbers = Array.from({ length: RECEIPTS_PER_CHANNEL }, (_, i) => receiptNo(channel, i));
    await sql`
      insert into receipts (receipt_no, service, payer_name, amount_due_fen, amount_paid_fen, channel, paid_at, billing_status)
      select no, 'tax', '张三', ${AMOUNT_FEN}, ${AMOUNT_FEN}, ${RECEIPT_CHANNEL_FOR[channel]}, now() - interval '10 minutes', 'paid'
      from unnest(${numbers}::text[]) as t(no)`;
  }
}

/** Signs notifications as the channels would, the three channels in turn, each for the next seeded receipt of its channel. */
class Signer {
  private next = 0;
  private readonly wechatKeys: { platformPrivateKey: string; apiV3Key: string };
  constructor(private readonly keys: TestKeySet) {
    this.wechatKeys = { platformPrivateKey: keys.wechatPrivateKey, apiV3Key: keys.env.WECHATPAY_APIV3_KEY };
  }

  sign(count: number): Notification[] {
    const now = new Date();
    const beijing = new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 19);
    return Array.from({ length: count }, (): Notification => {
      const seq = this.next++;
      const channel = CHANNELS[seq % CHANNELS.length]!;
      const receipt = receiptNo(channel, Math.floor(seq / CHANNELS.length) % RECEIPTS_PER_CHANNEL);
      const serial = String(seq).padStart(12, "0");
      if (channel === "wechat") {
        const transactionId = `4200002026${serial}`;
        const transaction = {
          out_trade_no: receipt,
          transaction_id: transactionId,
          trade_state: "SUCCESS",
          success_time: `${beijing}+08:00`,
          amount: { total: AMOUNT_FEN, payer_total: AMOUNT_FEN, currency: "CNY" },
        };
        const { headers, body } = signWechatNotification(transaction, this.wechatKeys, now);
        return { channel, transactionId, headers, body, answered: false };
      }
      if (channel === "alipay") {
        const transactionId = `2026120322001${serial}`;
        const gmt = beijing.replace("T", " ");
        const body = signAlipayNotification(
          { notify_time: gmt, notify_id: `bench${serial}`, app_id: "2021000000000000", trade_no: transactionId, out_trade_no: receipt, trade_status: "TRADE_SUCCESS", total_amount: "120.50", receipt_amount: "120.50", gmt_payment: gmt, subject: "税费 缴费" },
          this.keys.alipayPrivateKey,
        );
        return { channel, transactionId, headers: { "content-type": "application/x-www-form-urlencoded; charset=utf-8" }, body, answered: false };
      }
      const transactionId = `UP2026${serial}`;
      const body = JSON.stringify({ transaction_id: transactionId, out_trade_no: receipt, amount: "120.50", paid_at: `${beijing}+08:00`, terminal_id: "T0012", batch_id: "B042" });
      return { channel, transactionId, headers: { "content-type": "application/json", "x-signature": acquirerSignature(this.keys.env.ACQUIRER_NOTIFY_SECRET, body) }, body, answered: false };
    });
  }
}

/** One delivery outside the timed rounds (a check, or the channel's retry of one cut off by a round's end). */
async function deliver(n: Notification): Promise<void> {
  const response = await fetch(BASE + PATHS[n.channel], { method: "POST", headers: n.headers, body: n.body });
  if (accepted[n.channel](response.status, await response.text())) n.answered = true;
}

type Round = { requests: number; seconds: number; times: number[]; errors: number; refused: number };
type NotifyRound = Round & { fresh: Notification[]; dispatched: number; retries: number; byChannel: Record<NotifyChannel, number>; signed: number; signingMs: number; resent: number; exhausted: boolean };

/**
 * One timed round of notifications: `poolSize` fresh ones signed first, then sent for `seconds`, every
 * tenth request a retry of one already sent. Ends early if the signed bodies run out. Afterwards, what
 * the round's end cut off unanswered is sent again (untimed), as the channel would retry it.
 */
async function loadNotifications(signer: Signer, poolSize: number, seconds: number): Promise<NotifyRound> {
  const signedAt = Date.now();
  const pool = signer.sign(poolSize);
  const signingMs = Date.now() - signedAt;
  const fresh: Notification[] = [];
  const byChannel: Record<NotifyChannel, number> = { wechat: 0, alipay: 0, acquirer: 0 };
  let dispatched = 0;
  let retries = 0;
  let refused = 0;
  let exhausted = false;
  let instance: autocannon.Instance | undefined;
  const request: autocannon.Request = {
    method: "POST",
    setupRequest: (req, context) => {
      const k = dispatched++;
      let n: Notification;
      if (k % RETRY_EVERY === RETRY_EVERY - 1 && fresh.length > 0) {
        n = fresh[randomInt(fresh.length)]!;
        retries++;
      } else if (fresh.length < pool.length) {
        n = pool[fresh.length]!;
        fresh.push(n);
      } else {
        // Out of signed bodies: end the round (timed by its real length); this last request is a retry.
        if (!exhausted) instance?.stop();
        exhausted = true;
        n = fresh[randomInt(fresh.length)]!;
        retries++;
      }
      byChannel[n.channel]++;
      (context as { n?: Notification }).n = n;
      return { ...req, path: PATHS[n.channel], headers: n.headers, body: n.body };
    },
    onResponse: (status, body, context) => {
      const n = (context as { n?: Notification }).n!;
      if (accepted[n.channel](status, body)) n.answered = true;
      else refused++;
    },
  };
  const round = await run(request, seconds, (i) => (instance = i));
  const cutOff = fresh.filter((n) => !n.answered);
  for (const n of cutOff) await deliver(n);
  return { ...round, refused, fresh, dispatched, retries, byChannel, signed: poolSize, signingMs, resent: cutOff.length, exhausted };
}

/** One timed round against the trivial handler, with bodies of the same shapes and sizes. */
function loadTrivial(bodies: Notification[], seconds: number): Promise<Round> {
  let next = 0;
  let refused = 0;
  const request: autocannon.Request = {
    method: "POST",
    path: TRIVIAL_PATH,
    setupRequest: (req) => {
      const n = bodies[next++ % bodies.length]!;
      return { ...req, headers: n.headers, body: n.body };
    },
    onResponse: (status) => {
      if (status !== 204) refused++;
    },
  };
  return run(request, seconds).then((round) => ({ ...round, refused }));
}

/** One bounded round at CONNECTIONS; it checks for its end every 100 ms, so a stop() (signed bodies run out) takes effect at once. */
async function run(request: autocannon.Request, seconds: number, started?: (instance: autocannon.Instance) => void): Promise<Round> {
  const times: number[] = [];
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon({ url: BASE, connections: CONNECTIONS, duration: seconds, requests: [request], timeout: 10, sampleInt: 100 }, (error: unknown, r: autocannon.Result) =>
      error ? reject(error instanceof Error ? error : new Error("autocannon failed")) : resolve(r),
    );
    instance.on("response", (_client, _status, _bytes, responseTime) => times.push(responseTime));
    started?.(instance);
  });
  return { requests: result.requests.total, seconds: result.duration, times, errors: result.errors + result.timeouts, refused: 0 };
}

/** Requests, seconds and every response time over several rounds of one target. */
class Measure {
  private times: number[] = [];
  private seconds = 0;
  requests = 0;
  errors = 0;
  refused = 0;
  dispatched = 0;
  retries = 0;
  byChannel: Record<NotifyChannel, number> = { wechat: 0, alipay: 0, acquirer: 0 };
  add(round: Round | NotifyRound) {
    this.times.push(...round.times);
    this.requests += round.requests;
    this.seconds += round.seconds;
    this.errors += round.errors;
    this.refused += round.refused;
    if ("retries" in round) {
      this.dispatched += round.dispatched;
      this.retries += round.retries;
      for (const c of CHANNELS) this.byChannel[c] += round.byChannel[c];
    }
  }
  get rps() {
    return this.requests / Math.max(0.001, this.seconds);
  }
  at(q: number) {
    const sorted = [...this.times].sort((a, b) => a - b);
    return Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0);
  }
}

/** The database's side: every distinct transaction sent is exactly one row, and no row is for anything not sent. */
async function countConfirmations(sql: postgres.Sql, sent: Notification[]) {
  const key = (channel: string, transactionId: string) => `${channel}/${transactionId}`;
  const expected = new Set(sent.map((n) => key(n.channel, n.transactionId)));
  const sentBy: Record<NotifyChannel, number> = { wechat: 0, alipay: 0, acquirer: 0 };
  for (const k of expected) sentBy[k.split("/")[0] as NotifyChannel]++;
  const rows = await sql<{ channel: string; transaction_id: string; linked: boolean }[]>`
    select c.channel, c.transaction_id, r.id is not null and r.channel = case c.channel when 'acquirer' then 'pos' else c.channel end as linked
    from channel_confirmations c left join receipts r on r.receipt_no = c.receipt_no`;
  const stored = new Set(rows.map((r) => key(r.channel, r.transaction_id)));
  return {
    distinctSent: expected.size,
    sentBy,
    rows: rows.length,
    linked: rows.filter((r) => r.linked).length,
    lost: [...expected].filter((k) => !stored.has(k)).length,
    duplicated: rows.length - stored.size,
    unexpected: [...stored].filter((k) => !expected.has(k)).length,
  };
}

async function waitForHealth(server: ChildProcess): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new CliError("the server exited during start-up");
    try {
      if ((await fetch(`${BASE}/api/health`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new CliError("the server did not start within 60 s");
}
