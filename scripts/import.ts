import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { basename } from "node:path";
import { dbHandle } from "@/db/client";
import { migrateDatabase } from "@/db/migrate";
import { importReceiptsFile } from "@/db/import/receipts";
import { importSettlementFile, type SettlementImportSummary } from "@/db/import/settlements";
import type { FileSource } from "@/db/import/source";
import { importSettlementDetailFile } from "@/db/import/settlement-details";
import { layoutSample } from "@/lib/statements/detect";
import { detectDetailProfile, findDetailProfile, type DetailProfile } from "@/lib/statements/settlement-details";
import { matchSettlements, type MatchSummary } from "@/db/import/matching";
import { env } from "@/lib/env";
import { SETTLEMENT_FORMATS, StatementFileError, type SettlementFormat } from "@/lib/statements";
import { CliError, runCli } from "./cli";

/**
 * npm run import -- receipts FILE
 * npm run import -- details FILE [--profile pos-detail|detail-default]   (settlement detail files, 清算明细; also recognised by `settlements`)
 * npm run import -- settlements FILE [--format csv|camt053|mt940] [--profile NAME]   (recognised from the file when not given)
 * npm run import -- match
 */

const USAGE = "usage: npm run import -- receipts FILE | settlements FILE [--format csv|camt053|mt940] [--profile NAME] | details FILE [--profile pos-detail|detail-default] | match";
/** Above this size a progress line is printed even when stderr is not a terminal (cron, CI logs). */
const LARGE_FILE_BYTES = 50 * 1024 * 1024;

runCli(async () => {
  const { command, file, format, profile } = parseArgs(process.argv.slice(2));
  const config = env();
  await migrateDatabase(dbHandle());

  if (command === "match") {
    const started = Date.now();
    console.log("matching");
    printMatching(await matchSettlements({ timeZone: config.TZ, analyze: true }));
    console.log(`done in ${seconds(started)}`);
    return;
  }

  const size = await stat(file!).then(
    (s) => s.size,
    () => {
      throw new CliError(`cannot read ${file}`);
    },
  );
  const source: FileSource = { name: basename(file!), open: () => createReadStream(file!, { highWaterMark: 256 * 1024 }) };
  const progress = progressBar(size);
  const started = Date.now();
  let detail: DetailProfile | null = null;
  try {
    if (command === "receipts") {
      const s = await importReceiptsFile(source, { timeZone: config.TZ, receiptFormat: config.receiptFormat }, { onProgress: progress.update });
      progress.done();
      console.log(`${source.name}: receipts`);
      console.log(`  read ${s.read}, inserted ${s.inserted}, updated ${s.updated}, duplicates skipped ${s.duplicates}, older status ignored ${s.stale}`);
      printRejected(s.rejectedCount, s.rejected);
      printMatching(s.matching);
    } else if (command === "details" || (!format && !profile && (detail = detectDetailProfile(await layoutSample(source.open()))))) {
      // A settlement detail file (清算明细) given as a statement is recognised and read as one.
      const chosen = detail ?? (profile ? findDetailProfile(profile) : (detectDetailProfile(await layoutSample(source.open())) ?? findDetailProfile("detail-default")));
      const d = await importSettlementDetailFile(source, chosen, { timeZone: config.TZ });
      progress.done();
      console.log(`${source.name}: settlement details (profile ${d.profile})`);
      console.log(`  read ${d.read}, inserted ${d.inserted}, duplicates skipped ${d.duplicates}, batches ${d.batches}`);
      printMatching(d.matching);
    } else {
      const s = await importSettlementFile(source, { format, profile, timeZone: config.TZ }, { onProgress: progress.update });
      progress.done();
      printSettlements(source.name, s);
    }
  } catch (error) {
    progress.done();
    if (error instanceof StatementFileError) throw new CliError(`${source.name}: ${error.message}. Nothing was imported.`);
    throw error;
  }
  console.log(`done in ${seconds(started)}`);
});

function parseArgs(args: string[]) {
  const [command, ...rest] = args;
  if (command === "match") {
    if (rest.length > 0) throw new CliError(USAGE);
    return { command, file: undefined, format: undefined, profile: undefined } as const;
  }
  if (command !== "receipts" && command !== "settlements" && command !== "details") throw new CliError(USAGE);
  let file: string | undefined;
  let format: string | undefined;
  let profile: string | undefined;
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    if (arg === "--format" || arg === "--profile") {
      const value = rest[++i];
      if (!value || value.startsWith("--")) throw new CliError(`${arg} needs a value`);
      if (arg === "--format") format = value;
      else profile = value;
    } else if (arg.startsWith("--") || file) {
      throw new CliError(USAGE);
    } else {
      file = arg;
    }
  }
  if (!file) throw new CliError(USAGE);
  if (command === "details" && format) throw new CliError("detail files are CSV: --format does not apply");
  if (command === "receipts" && (format || profile)) throw new CliError("receipts files have one format: --format and --profile do not apply");
  // Without --format the import recognises the layout from the file itself (and prints the profile it used).
  if (command === "settlements" && format !== undefined && !(SETTLEMENT_FORMATS as readonly string[]).includes(format)) {
    throw new CliError(`unknown format "${format}" (csv, camt053 or mt940)`);
  }
  return { command, file, format: format as SettlementFormat | undefined, profile };
}

function printSettlements(name: string, s: SettlementImportSummary) {
  if (s.alreadyImported) {
    console.log(`${name}: already imported (same file hash ${s.fileHash.slice(0, 12)}…); nothing changed`);
    return;
  }
  const skipped = Object.entries(s.skippedReasons)
    .map(([reason, n]) => `${n} ${reason}`)
    .join(", ");
  console.log(`${name}: settlements (${s.format}, profile ${s.profile})`);
  console.log(`  read ${s.read}, inserted ${s.inserted}, duplicates skipped ${s.duplicates}, not payments ${s.skipped}${skipped ? ` (${skipped})` : ""}`);
  printRejected(s.rejectedCount, s.rejected);
  if (s.matching) printMatching(s.matching);
  console.log(`  exceptions from this file: ${s.exceptions}`);
  if (s.channelBill) console.log(`  channel bill: ${s.channelBill.billLines} lines by transaction id, ${s.channelBill.confirmed} already confirmed by the channel`);
}

const SHOW_REJECTED = 50;
function printRejected(count: number, rejected: { line: number; reason: string }[]) {
  console.log(`  rejected ${count}`);
  for (const r of rejected.slice(0, SHOW_REJECTED)) console.log(`    line ${r.line}: ${r.reason}`);
  if (count > SHOW_REJECTED) console.log(`    … and ${count - SHOW_REJECTED} more`);
}

function printMatching(m: MatchSummary) {
  console.log(`  reversals paired ${m.reversals}; matched by reference ${m.reference}, by remittance ${m.remittance}, by amount and date ${m.amountDate}; newly posted receipts ${m.posted}`);
  if (m.batches) console.log(`  fees recorded ${m.batches.fees}, net of fee ${m.batches.netOfFee}, batch credits ${m.batches.detailBatches} by detail file and ${m.batches.sumBatches} by terminal day`);
  console.log(`  unmatched lines in the store (exceptions): ${m.exceptions}`);
}

function seconds(since: number) {
  return `${((Date.now() - since) / 1000).toFixed(1)} s`;
}

/** A bar on a terminal; on a log, a line every 10 % for large files; nothing otherwise. */
function progressBar(total: number) {
  const tty = process.stderr.isTTY === true;
  const enabled = total > 0 && (tty || total >= LARGE_FILE_BYTES);
  let lastDraw = 0;
  let lastTenth = -1;
  let drawn = false;
  return {
    update: (bytes: number) => {
      if (!enabled) return;
      const fraction = Math.min(1, bytes / total);
      if (tty) {
        const now = Date.now();
        if (now - lastDraw < 100 && fraction < 1) return;
        lastDraw = now;
        const width = 30;
        const filled = Math.round(fraction * width);
        process.stderr.write(`\r  reading [${"#".repeat(filled)}${".".repeat(width - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}%`);
        drawn = true;
      } else {
        const tenth = Math.floor(fraction * 10);
        if (tenth > lastTenth) {
          lastTenth = tenth;
          process.stderr.write(`  read ${tenth * 10}%\n`);
        }
      }
    },
    done: () => {
      if (drawn) process.stderr.write("\n");
      drawn = false;
    },
  };
}
