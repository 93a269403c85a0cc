import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { createReadStream, createWriteStream, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { once } from "node:events";
import { pipeline } from "node:stream/promises";
import { promisify } from "node:util";
import iconv from "iconv-lite";
import postgres from "postgres";
import { closeDb, openDatabase, replaceDbHandle } from "@/db/client";
import { migrateDatabase } from "@/db/migrate";
import { importReceiptsFile } from "@/db/import/receipts";
import { importSettlementFile } from "@/db/import/settlements";
import type { ImportHooks } from "@/db/import/source";
import { withLuhnDigit } from "@/lib/receipt-number";
import { StatementFileError, type SettlementFormat } from "@/lib/statements";
import { maskAccount } from "@/lib/statements/fields";
import { RECEIPT_COLUMNS } from "@/lib/statements/receipts-csv";
import { scratchDatabase } from "./bench-db";
import { benchBatches } from "./bench-batches";
import { CliError, runCli } from "./cli";

/**
 * npm run bench:import [-- --n 1000000] [--paths utf8,gbk,camt053,refused]
 *
 * Generates N receipts and N statement lines that look like what banks and
 * the billing system write (masked payer accounts, repeated fees, remittance
 * text in Chinese, about 3 % of lines in a form only the parser's rules
 * read: "1,234.50", full-width digits, a trailing space, an unpadded date),
 * the statement in three formats, and a receipts file whose every line is
 * refused. Then, each in a fresh PostgreSQL database it creates and drops:
 *
 * - the floor: the same rows, already converted, COPY'd into tables with the
 *   store's keys and indexes, plus one insert of the reference matches — the
 *   least work that stores what the import stores;
 * - for each statement format (UTF-8 CSV, GBK bank-profile CSV, camt.053):
 *   the receipts import + the statement import, each with its matching;
 * - the refused receipts file, against the accepted receipts import of the UTF-8 path.
 *
 * Prints each path's time, its ratio to the floor and the peak resident
 * memory of this (the importing) process during the path; the phases go to
 * stderr. The files are written by a child process, so that the generator's
 * memory is not counted as the import's.
 */

const TZ = "Asia/Shanghai";
const CHANNELS = ["wechat", "alipay", "online_bank", "pos", "counter"];
const SERVICES = ["hukou", "medical_insurance", "tax", "other"];
const SERVICE_ZH: Record<string, string> = { hukou: "户籍", medical_insurance: "医保", tax: "税费", other: "其他" };
const NAMES = ["张伟", "王芳", "李娜", "刘洋", "陈静", "杨磊", "赵敏", "黄强", "周杰", "吴霞", "欧阳晓明", "司马南"];
/** Public fees repeat: most payments are one of a few amounts. */
const FEES = [2500, 3000, 5000, 8000, 12000, 20000, 35000, 1230, 123450, 268000];
const PATHS = ["utf8", "gbk", "camt053", "refused"] as const;
type PathName = (typeof PATHS)[number];

type Files = ReturnType<typeof filesIn>;

runCli(async () => {
  const args = process.argv.slice(2);
  // Issue 16's batch scenario (scripts/bench-batches.ts): npm run bench:import -- --scenario batch
  if (args.includes("--scenario")) return benchScenario(args);
  const option = (name: string) => (args.indexOf(name) >= 0 ? args[args.indexOf(name) + 1] : undefined);
  const n = Number(option("--n") ?? 1_000_000);
  if (!Number.isInteger(n) || n < 1 || n > 50_000_000) throw new CliError("--n must be a whole number between 1 and 50,000,000");
  const paths = (option("--paths") ?? PATHS.join(",")).split(",") as PathName[];
  if (paths.some((p) => !PATHS.includes(p))) throw new CliError(`--paths takes a comma-separated list of ${PATHS.join(", ")}`);
  const into = option("--generate-into");
  if (into) {
    await generate(filesIn(into), n);
    return;
  }
  const dir = await mkdtemp(join(tmpdir(), "paystatus-bench-"));
  try {
    const files = filesIn(dir);
    const t = Date.now();
    await promisify(execFile)(process.execPath, [...process.execArgv, process.argv[1]!, "--generate-into", dir, "--n", String(n)]);
    console.error(`generated ${n.toLocaleString("en")} receipts and lines (4 files) in ${((Date.now() - t) / 1000).toFixed(1)} s`);

    const floor = await measure("floor", () => inScratch((url) => floorCopy(url, files)));
    const results: { path: string; ms: number; cpuMs: number; rss: number; note: string; receiptsMs?: number; receiptsCpuMs?: number }[] = [];
    const formats: Record<Exclude<PathName, "refused">, { file: string; format: SettlementFormat; profile?: string }> = {
      utf8: { file: files.lines, format: "csv" },
      gbk: { file: files.linesGbk, format: "csv", profile: "cn-bank" },
      camt053: { file: files.camt, format: "camt053" },
    };
    for (const path of paths) {
      if (path === "refused") {
        const run = await measure(path, () => inScratch(() => importRefused(files.refused)));
        results.push({ path, ms: run.ms, cpuMs: run.cpuMs, rss: run.rss, note: run.value });
        continue;
      }
      const { file, format, profile } = formats[path];
      const run = await measure(path, () =>
        inScratch(async (url) => {
          const started = Date.now();
          const cpu = process.cpuUsage();
          const receipts = await importReceiptsFile(readFile("receipts.csv", files.receipts), { timeZone: TZ }, { onPhase: phase(`${path} receipts`) });
          const receiptsMs = Date.now() - started;
          const used = process.cpuUsage(cpu);
          const receiptsCpuMs = (used.user + used.system) / 1000 + (await pgCpuSinceSetup(url));
          const lines = await importSettlementFile(readFile(`statement.${format}`, file), { format, profile, timeZone: TZ }, { onPhase: phase(`${path} lines`) });
          const m = lines.matching!;
          return {
            receiptsMs,
            receiptsCpuMs,
            note: `receipts ${(receiptsMs / 1000).toFixed(1)} s (${receipts.inserted} stored, ${receipts.rejectedCount} refused); lines ${lines.inserted} stored, ${lines.rejectedCount} refused; matched ${m.reference} ref, ${m.remittance} text, ${m.amountDate} amount+date`,
          };
        }),
      );
      results.push({ path, ms: run.ms, cpuMs: run.cpuMs, rss: run.rss, ...run.value });
    }

    const utf8 = results.find((r) => r.path === "utf8");
    console.log(`N = ${n.toLocaleString("en")} receipts + ${n.toLocaleString("en")} statement lines (PostgreSQL); load average ${loadAverage()}`);
    console.log(`  ${"".padEnd(9)} ${"wall".padStart(8)} ${"ratio".padStart(7)}  ${"CPU".padStart(8)} ${"ratio".padStart(7)}   (CPU: this process + its PostgreSQL backends; the ratio that holds on a busy machine)`);
    console.log(`  ${"floor".padEnd(9)} ${secs(floor.ms)}          ${secs(floor.cpuMs)}          peak RSS ${mb(floor.rss)}   typed rows COPY'd into indexed tables + reference matches`);
    for (const r of results) {
      const [wall, cpu] =
        r.path === "refused"
          ? [utf8?.receiptsMs ? `${(r.ms / utf8.receiptsMs).toFixed(2)}×` : "", utf8?.receiptsCpuMs ? `${(r.cpuMs / utf8.receiptsCpuMs).toFixed(2)}×` : ""]
          : [`${(r.ms / floor.ms).toFixed(2)}×`, `${(r.cpuMs / floor.cpuMs).toFixed(2)}×`];
      const of = r.path === "refused" ? " (of the accepted UTF-8 receipts)" : "";
      console.log(`  ${r.path.padEnd(9)} ${secs(r.ms)} ${wall.padStart(7)}  ${secs(r.cpuMs)} ${cpu.padStart(7)}   peak RSS ${mb(r.rss)}   ${r.note}${of}`);
    }
    console.log(`  targets: each accepting path ≤ 2.5× the floor; refused ≤ 1× the accepted UTF-8 receipts; peak RSS < 300 MB (process max ${mb(process.resourceUsage().maxRSS * 1024)})`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

function filesIn(dir: string) {
  const at = (name: string) => join(dir, name);
  return {
    receipts: at("receipts.csv"),
    refused: at("receipts-refused.csv"),
    lines: at("lines.csv"),
    linesGbk: at("lines-gbk.csv"),
    camt: at("lines.xml"),
    floorReceipts: at("floor-receipts.tsv"),
    floorLines: at("floor-lines.tsv"),
  };
}

const readFile = (name: string, path: string) => ({ name, open: () => createReadStream(path, { highWaterMark: 256 * 1024 }) });

/** Runs one path in a fresh, migrated database, dropped afterwards. */
async function inScratch<T>(run: (url: string) => Promise<T>): Promise<T> {
  let started = Date.now();
  const database = await scratchDatabase(`paystatus_bench_${process.pid}`);
  try {
    const handle = openDatabase({ url: database.url });
    replaceDbHandle(handle);
    await migrateDatabase(handle);
    // Every measurement starts from a fresh checkpoint: otherwise the previous one's dirty pages, or a timed
    // checkpoint (every 5 min) landing in it, are written during this one (the floor alone moved 13.6–18.2 s).
    await database.checkpoint();
    timing.setupCpu = await backendCpu(database.url);
    timing.setupMs += Date.now() - started;
    const value = await run(database.url);
    started = Date.now();
    timing.pgCpuMs += await pgCpuSinceSetup(database.url);
    timing.setupMs += Date.now() - started;
    return value;
  } finally {
    started = Date.now();
    await closeDb();
    await database.drop();
    timing.setupMs += Date.now() - started;
  }
}

/** CPU time of the database's PostgreSQL backends since the scratch database was set up (less what was counted already). */
async function pgCpuSinceSetup(url: string): Promise<number> {
  let ms = 0;
  for (const [pid, now] of await backendCpu(url)) if (!timing.counted.has(pid)) ms += now - (timing.setupCpu.get(pid) ?? 0);
  return ms;
}

/**
 * CPU time (user + system, ms) of each PostgreSQL backend connected to the database, read from
 * /proc (the server is local): on a machine shared with other work, CPU time is the figure that
 * does not depend on how busy the machine is. Empty where /proc cannot be read.
 */
async function backendCpu(url: string): Promise<Map<number, number>> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const rows = await sql<{ pid: number }[]>`select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()`;
    return new Map(rows.flatMap(({ pid }) => (procCpuMs(pid) === null ? [] : [[pid, procCpuMs(pid)!] as [number, number]])));
  } finally {
    await sql.end();
  }
}

/** utime + stime of a process in ms (clock ticks of 10 ms), or null. */
function procCpuMs(pid: number): number | null {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return null;
  }
}

/** Wall time of `run` (less the scratch database's setup, which it reports itself), its CPU time (this process and its PostgreSQL backends) and the peak RSS while it ran. */
async function measure<T>(name: string, run: () => Promise<T>): Promise<{ ms: number; cpuMs: number; rss: number; value: T }> {
  let rss = process.memoryUsage.rss();
  const sampler = setInterval(() => (rss = Math.max(rss, process.memoryUsage.rss())), 25);
  try {
    timing.setupMs = 0;
    timing.pgCpuMs = 0;
    timing.counted.clear();
    const started = Date.now();
    const cpu = process.cpuUsage();
    const value = await run();
    const ms = Date.now() - started - timing.setupMs;
    const used = process.cpuUsage(cpu);
    const cpuMs = (used.user + used.system) / 1000 + timing.pgCpuMs;
    console.error(`${name}: ${secs(ms)}   cpu ${secs(cpuMs)} (postgres ${secs(timing.pgCpuMs)})`);
    return { ms, cpuMs, rss, value };
  } finally {
    clearInterval(sampler);
  }
}

/** Time spent creating and migrating scratch databases inside a measured path, taken off its time; CPU time of the path's PostgreSQL backends. */
const timing = { setupMs: 0, pgCpuMs: 0, setupCpu: new Map<number, number>(), counted: new Set<number>() };

async function importRefused(file: string): Promise<string> {
  try {
    const summary = await importReceiptsFile(readFile("refused.csv", file), { timeZone: TZ }, { onPhase: phase("refused") });
    return `unexpectedly accepted ${summary.inserted} lines`;
  } catch (error) {
    if (error instanceof StatementFileError) return `refused as a whole: ${error.message}`;
    throw error;
  }
}

/** The floor: the converted rows straight into tables shaped like the store's (keys, indexes, defaults), and the reference matches. */
async function floorCopy(url: string, files: Files): Promise<void> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await sql.unsafe(`create table floor_receipts (like receipts including all);
      create table floor_lines (like settlement_lines including all);
      create table floor_matches (like matches including all)`);
    await pipeline(
      createReadStream(files.floorReceipts),
      await sql.unsafe("copy floor_receipts (receipt_no, service, payer_name, payer_phone, amount_due_fen, amount_paid_fen, channel, paid_at, bank_ref, billing_status) from stdin").writable(),
    );
    await pipeline(
      createReadStream(files.floorLines),
      await sql.unsafe("copy floor_lines (batch_id, line_key, bank_ref, amount_fen, value_date, channel, payer_account, remittance) from stdin").writable(),
    );
    await sql.unsafe(`insert into floor_matches (settlement_line_id, receipt_id, method)
      select l.id, r.id, 'reference' from floor_lines l join floor_receipts r on r.bank_ref = l.bank_ref`);
    // This connection ends before the path does: its CPU time is counted here.
    const [{ pid }] = (await sql<{ pid: number }[]>`select pg_backend_pid() as pid`) as unknown as [{ pid: number }];
    timing.pgCpuMs += procCpuMs(pid) ?? 0;
    timing.counted.add(pid);
  } finally {
    await sql.end();
  }
}

type Line = { bankRef: string; fen: number; valueDate: string; channel: string; account: string; remittance: string };

const yuan = (fen: number) => `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, "0")}`;
const withCommas = (fen: number) => yuan(fen).replace(/\B(?=(\d{3})+(?!\d)\.)/g, ",");
const fullWidth = (text: string) => text.replace(/[0-9.]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
const quoted = (cell: string) => (/[",\n]/.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell);

/** Payer accounts as exports print them: masked, grouped with spaces, whole, short, or missing. */
function accountOf(i: number): string {
  const last4 = String(i % 10000).padStart(4, "0");
  switch (i % 10) {
    case 0:
    case 1:
    case 2:
    case 3:
    case 4:
      return `6222********${last4}`;
    case 5:
    case 6:
      return `6217 **** **** ${last4}`;
    case 7:
      return `622202${String(i).padStart(13, "0")}`;
    case 8:
      return `****${last4}`;
    default:
      return "";
  }
}

/**
 * 80 % of the lines carry the receipt's bank reference, 10 % only the receipt
 * number in the remittance text, 5 % neither (amount + date; fees repeat, so
 * many stay ambiguous), 5 % match nothing. Every 33rd line of each file is in
 * a form only the parser reads, and one in a thousand is refused.
 */
async function generate(files: Files, n: number) {
  const out = Object.fromEntries(Object.entries(files).map(([k, path]) => [k, createWriteStream(path)])) as Record<keyof Files, ReturnType<typeof createWriteStream>>;
  const buffers = Object.fromEntries(Object.keys(files).map((k) => [k, ""])) as Record<keyof Files, string>;
  const flush = async (force: boolean) => {
    for (const key of Object.keys(out) as (keyof Files)[]) {
      if (!force && buffers[key].length < 1 << 20) continue;
      const bytes = key === "linesGbk" ? iconv.encode(buffers[key], "gbk") : buffers[key];
      buffers[key] = "";
      if (!out[key].write(bytes)) await once(out[key], "drain");
    }
  };
  buffers.receipts = `${RECEIPT_COLUMNS.join(",")}\n`;
  buffers.refused = `${RECEIPT_COLUMNS.join(",")}\n`;
  buffers.lines = "bank_ref,amount,value_date,channel,payer_account,remittance\n";
  buffers.linesGbk = "序号,交易流水号,交易日期,交易金额,余额,对方账号,对方户名,摘要\r\n";
  buffers.camt = `<?xml version="1.0" encoding="UTF-8"?>\n<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>
<GrpHdr><MsgId>BENCH</MsgId><CreDtTm>2026-10-31T18:00:00+08:00</CreDtTm></GrpHdr>
<Stmt><Id>BENCH-1</Id><Acct><Id><Othr><Id>110000000001</Id></Othr></Id><Ccy>CNY</Ccy></Acct>\n`;

  for (let i = 0; i < n; i++) {
    const no = withLuhnDigit(`2027${String(i).padStart(11, "0")}`);
    const service = SERVICES[i % 4]!;
    const channel = CHANNELS[i % CHANNELS.length]!;
    const fen = i % 3 === 0 ? 1000 + ((i * 7919) % 90000) : FEES[i % FEES.length]!;
    const day = 1 + (i % 28);
    const paidAt = `2026-10-${String(day).padStart(2, "0")}T${String(8 + (i % 10)).padStart(2, "0")}:${String(i % 60).padStart(2, "0")}:00+08:00`;
    const valueDay = Math.min(day + 1, 28);
    const valueDate = `2026-10-${String(valueDay).padStart(2, "0")}`;
    const bucket = i % 20;
    const bankRef = bucket < 16 ? `BR${String(i).padStart(10, "0")}` : "";
    const name = NAMES[i % NAMES.length]!;
    const phone = i % 4 === 3 ? "" : `13${String(800000000 + ((i * 31) % 100000000)).padStart(9, "0")}`;
    const odd = i % 33 === 32;
    const refused = i % 1000 === 999;

    // Receipts: the odd ones with a thousands separator, full-width digits, a grouped number or an unpadded time.
    const r = { no, service, name, phone, due: yuan(fen), channel, paidAt, bankRef };
    if (odd) {
      const k = Math.floor(i / 33) % 4;
      if (k === 0) r.due = fen >= 100000 ? withCommas(fen) : `${yuan(fen)} `;
      else if (k === 1) r.due = fullWidth(yuan(fen));
      else if (k === 2) r.no = `${no.slice(0, 4)} ${no.slice(4, 8)} ${no.slice(8, 12)} ${no.slice(12)}`;
      else r.paidAt = paidAt.replace("T", " ").replace(/:00\+08:00$/, "+0800");
    }
    if (refused) r.service = "parking";
    buffers.receipts += `${[r.no, r.service, r.name, r.phone, r.due, r.due, r.channel, r.paidAt, r.bankRef, "paid"].map(quoted).join(",")}\n`;
    if (!refused) {
      buffers.floorReceipts += `${[no, service, name, phone || "\\N", fen, fen, channel, paidAt, bankRef || "\\N", "paid"].join("\t")}\n`;
    }
    // Every line refused, for reasons the export really has: a mistyped number, an unknown service, a bad amount, a bad status.
    const bad = [
      [`${no.slice(0, 15)}${(Number(no.at(-1)) + 1) % 10}`, service, name, phone, yuan(fen), yuan(fen), channel, paidAt, bankRef, "paid"],
      [no, "parking", name, phone, yuan(fen), yuan(fen), channel, paidAt, bankRef, "paid"],
      [no, service, name, phone, `${yuan(fen)}.5`, "", channel, paidAt, bankRef, "paid"],
      [no, service, name, phone, yuan(fen), yuan(fen), channel, paidAt, bankRef, "settled"],
    ][i % 4]!;
    buffers.refused += `${bad.map(quoted).join(",")}\n`;

    const line: Line = {
      bankRef: bucket < 16 ? bankRef : bucket < 18 ? `X${String(i).padStart(10, "0")}` : "",
      fen: bucket === 19 ? 9999999 : fen,
      valueDate,
      channel,
      account: accountOf(i),
      remittance: bucket === 16 || bucket === 17 ? `${SERVICE_ZH[service]}缴费 ${no}` : bucket === 19 ? "转账 无附言" : `${SERVICE_ZH[service]}缴费 ${name}`,
    };
    const k = Math.floor(i / 33) % 3;
    const amount = odd && k === 0 ? (line.fen >= 100000 ? withCommas(line.fen) : fullWidth(yuan(line.fen))) : yuan(line.fen);
    const ref = odd && k === 1 && line.bankRef ? `${line.bankRef} ` : line.bankRef;
    const date = odd && k === 2 ? `2026-10-${valueDay}` : valueDate;
    const channelCell = refused ? "bitcoin" : channel;
    buffers.lines += `${[ref, amount, date, channelCell, line.account, line.remittance].map(quoted).join(",")}\n`;

    // The bank's own export: GBK, slashed dates, separators in large amounts, the payer's name, a running balance.
    const gbkAmount = refused ? "12.3.4" : odd ? fullWidth(yuan(line.fen)) : line.fen >= 100000 ? withCommas(line.fen) : yuan(line.fen);
    buffers.linesGbk += `${[String(i + 1), ref, valueDate.replaceAll("-", "/"), gbkAmount, withCommas(100000000 + i), line.account, name, line.remittance].map(quoted).join(",")}\r\n`;

    const camtAmount = refused ? "12.3.4" : odd ? `${yuan(line.fen)}0` : yuan(line.fen);
    buffers.camt += `<Ntry><Amt Ccy="CNY">${camtAmount}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>${valueDate}</Dt></BookgDt><ValDt><Dt>${valueDate}</Dt></ValDt><AcctSvcrRef>S${i}</AcctSvcrRef>
<NtryDtls><TxDtls><Refs><EndToEndId>${line.bankRef || "NOTPROVIDED"}</EndToEndId></Refs><RltdPties><Dbtr><Nm>${name}</Nm></Dbtr><DbtrAcct><Id><Othr><Id>${line.account}</Id></Othr></Id></DbtrAcct></RltdPties><RmtInf><Ustrd>${line.remittance}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>\n`;

    if (!refused) {
      const account = maskAccount(line.account);
      const key = `${createHash("sha256").update(String(i)).digest("hex")}:0`;
      buffers.floorLines += `${["1", key, line.bankRef || "\\N", line.fen, valueDate, channel, account ?? "\\N", line.remittance].join("\t")}\n`;
    }
    await flush(false);
  }
  buffers.camt += "</Stmt></BkToCstmrStmt></Document>\n";
  await flush(true);
  for (const stream of Object.values(out)) stream.end();
  await Promise.all(Object.values(out).map((stream) => once(stream, "finish")));
}

/** Prints each phase of an import as it ends, with the memory in use at that moment. */
function phase(file: string): ImportHooks["onPhase"] {
  return (name: string, ms: number) =>
    console.error(`  ${file.padEnd(16)} ${name.padEnd(28)} ${(ms / 1000).toFixed(2).padStart(7)} s   rss ${(process.memoryUsage.rss() / 1048576).toFixed(0)} MB`);
}

const loadAverage = () => loadavg().map((l) => l.toFixed(2)).join(" ");

const secs = (ms: number) => `${(ms / 1000).toFixed(1).padStart(6)} s`;
const mb = (bytes: number) => `${(bytes / 1048576).toFixed(0).padStart(4)} MB`;

async function benchScenario(args: string[]) {
  const scenario = args[args.indexOf("--scenario") + 1];
  if (scenario !== "batch") throw new CliError("--scenario takes: batch");
  await benchBatches(args);
}
