import { execFile } from "node:child_process";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { once } from "node:events";
import { pipeline } from "node:stream/promises";
import { promisify } from "node:util";
import postgres from "postgres";
import { closeDb, openDatabase, replaceDbHandle } from "@/db/client";
import { migrateDatabase } from "@/db/migrate";
import { importReceiptsFile } from "@/db/import/receipts";
import { importSettlementFile } from "@/db/import/settlements";
import { withLuhnDigit } from "@/lib/receipt-number";
import { RECEIPT_COLUMNS } from "@/lib/statements/receipts-csv";
import { scratchDatabase } from "./bench-db";
import { CliError, runCli } from "./cli";

/**
 * npm run bench:import [-- --n 1000000]
 * Generates N receipts and N settlement lines, then, in a fresh PostgreSQL
 * database it creates and drops: a bare COPY of both files into unindexed
 * tables (the floor), and the real import + matching. Prints both times,
 * the ratio, the peak resident memory of the importing process, and the
 * time of each phase of the import. The files are written by a child
 * process, so that the generator's memory is not counted as the import's.
 */

const TZ = "Asia/Shanghai";
const CHANNELS = ["wechat", "alipay", "online_bank", "pos", "counter"];
const SERVICES = ["hukou", "medical_insurance", "tax", "other"];

runCli(async () => {
  const args = process.argv.slice(2);
  const at = args.indexOf("--n");
  const n = at >= 0 ? Number(args[at + 1]) : 1_000_000;
  if (!Number.isInteger(n) || n < 1 || n > 50_000_000) throw new CliError("--n must be a whole number between 1 and 50,000,000");
  const into = args.indexOf("--generate-into");
  if (into >= 0) {
    await generate(filesIn(args[into + 1]!), n);
    return;
  }
  const dir = await mkdtemp(join(tmpdir(), "paystatus-bench-"));
  let database: Awaited<ReturnType<typeof scratchDatabase>> | undefined;
  try {
    const files = filesIn(dir);
    let t = Date.now();
    await promisify(execFile)(process.execPath, [...process.execArgv, process.argv[1]!, "--generate-into", dir, "--n", String(n)]);
    console.error(`generated ${n.toLocaleString("en")} receipts and lines in ${secs(t)}`);

    database = await scratchDatabase(`paystatus_bench_${process.pid}`);
    const handle = openDatabase({ url: database.url });
    replaceDbHandle(handle);
    await migrateDatabase(handle);

    const bench = postgres(database.url, { max: 1, onnotice: () => {} });
    t = Date.now();
    await bareCopy(bench, files);
    const copyMs = Date.now() - t;
    await bench.end();
    console.error(`bare COPY: ${secs(t)}`);

    t = Date.now();
    const receipts = await importReceiptsFile({ name: "receipts.csv", open: () => createReadStream(files.receipts, { highWaterMark: 256 * 1024 }) }, { timeZone: TZ }, { onPhase: phase("receipts") });
    const receiptsMs = Date.now() - t;
    console.error(`receipts import + match: ${secs(t)} (${receipts.inserted.toLocaleString("en")} inserted)`);
    t = Date.now();
    const lines = await importSettlementFile(
      { name: "settlements.csv", open: () => createReadStream(files.settlements, { highWaterMark: 256 * 1024 }) },
      { format: "csv", timeZone: TZ },
      { onPhase: phase("settlements") },
    );
    const linesMs = Date.now() - t;
    console.error(`settlements import + match: ${secs(t)}`);
    const m = lines.matching!;

    const importMs = receiptsMs + linesMs;
    const peakRss = process.resourceUsage().maxRSS * 1024;
    console.log(`N = ${n.toLocaleString("en")} receipts + ${n.toLocaleString("en")} settlement lines (PostgreSQL)`);
    console.log(`  bare COPY of both files:   ${(copyMs / 1000).toFixed(1)} s`);
    console.log(`  import + match:            ${(importMs / 1000).toFixed(1)} s (receipts ${(receiptsMs / 1000).toFixed(1)} s, settlements ${(linesMs / 1000).toFixed(1)} s)`);
    console.log(`  ratio:                     ${(importMs / copyMs).toFixed(2)}× (target ≤ 5×)`);
    console.log(`  peak RSS:                  ${(peakRss / 1024 / 1024).toFixed(0)} MB (target < 300 MB)`);
    console.log(`  lines inserted ${lines.inserted.toLocaleString("en")}; matched by reference ${m.reference}, remittance ${m.remittance}, amount+date ${m.amountDate}; exceptions ${m.exceptions}`);
  } finally {
    await closeDb();
    await database?.drop();
    await rm(dir, { recursive: true, force: true });
  }
});

function filesIn(dir: string) {
  return { receipts: join(dir, "receipts.csv"), settlements: join(dir, "settlements.csv") };
}

/**
 * 80 % of the lines carry the receipt's bank reference, 10 % only the receipt
 * number in the remittance text, 5 % neither (amount + date), 5 % match nothing.
 */
async function generate(files: { receipts: string; settlements: string }, n: number) {
  const r = createWriteStream(files.receipts);
  const s = createWriteStream(files.settlements);
  const write = async (stream: ReturnType<typeof createWriteStream>, text: string) => {
    if (!stream.write(text)) await once(stream, "drain");
  };
  await write(r, `${RECEIPT_COLUMNS.join(",")}\n`);
  await write(s, "bank_ref,amount,value_date,channel,payer_account,remittance\n");
  let rBuf = "";
  let sBuf = "";
  for (let i = 0; i < n; i++) {
    const no = withLuhnDigit(`2027${String(i).padStart(11, "0")}`);
    const channel = CHANNELS[i % CHANNELS.length]!;
    const fen = 1000 + i; // distinct amounts, so amount + date candidates are unique
    const amount = `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, "0")}`;
    const day = 1 + (i % 28);
    const paidAt = `2026-10-${String(day).padStart(2, "0")}T10:${String(i % 60).padStart(2, "0")}:00+08:00`;
    const valueDate = `2026-10-${String(Math.min(day + 1, 28)).padStart(2, "0")}`;
    const bucket = i % 20;
    const bankRef = bucket < 16 ? `BR${i}` : "";
    rBuf += `${no},${SERVICES[i % 4]},张三${i % 100},1380000${String(i % 10000).padStart(4, "0")},${amount},${amount},${channel},${paidAt},${bankRef},paid\n`;
    const lineRef = bucket < 16 ? bankRef : bucket < 18 ? `X${i}` : "";
    const remittance = bucket === 16 || bucket === 17 ? `缴费 ${no}` : bucket === 19 ? "unknown payer" : "";
    const lineAmount = bucket === 19 ? "99999.99" : amount;
    sBuf += `${lineRef},${lineAmount},${valueDate},${channel},622202${String(i).padStart(13, "0")},${remittance}\n`;
    if (rBuf.length > 1 << 20) {
      await write(r, rBuf);
      await write(s, sBuf);
      rBuf = sBuf = "";
    }
  }
  await write(r, rBuf);
  await write(s, sBuf);
  r.end();
  s.end();
  await Promise.all([once(r, "finish"), once(s, "finish")]);
}

/** The floor: the same bytes into tables with no index, no constraint, no parsing in JavaScript. */
async function bareCopy(sql: postgres.Sql, files: { receipts: string; settlements: string }) {
  await sql.unsafe(`create table bench_receipts (receipt_no text, service text, payer_name text, payer_phone text, amount_due numeric,
    amount_paid numeric, channel text, paid_at timestamptz, bank_ref text, billing_status text)`);
  await sql.unsafe(`create table bench_settlements (bank_ref text, amount numeric, value_date date, channel text, payer_account text, remittance text)`);
  await pipeline(createReadStream(files.receipts), await sql.unsafe("copy bench_receipts from stdin with (format csv, header true)").writable());
  await pipeline(createReadStream(files.settlements), await sql.unsafe("copy bench_settlements from stdin with (format csv, header true)").writable());
}

/** Prints each phase of an import as it ends, with the memory in use at that moment. */
function phase(file: string) {
  return (name: string, ms: number) =>
    console.error(`  ${file.padEnd(12)} ${name.padEnd(28)} ${(ms / 1000).toFixed(2).padStart(7)} s   rss ${(process.memoryUsage.rss() / 1048576).toFixed(0)} MB`);
}

function secs(since: number) {
  return `${((Date.now() - since) / 1000).toFixed(1)} s`;
}
