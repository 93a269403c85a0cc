import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { SLIP_KINDS, makeCorpus, type Slip, type SlipTruth } from "@/lib/proofs/corpus";
import { extractOffThread } from "@/lib/proofs/extract-off-thread";
import { parseProofFields, type ProofFields } from "@/lib/proofs/fields";
import { CliError, runCli } from "./cli";

/**
 * `npm run bench:proof [-- --n 60]`: reads a generated corpus of payment
 * slips (lib/proofs/corpus.ts) the way the job runner does — a worker thread
 * per proof, tesseract as a child — and prints per field and per kind of
 * slip how many were read exactly, the time per proof (p50/p95, images and
 * PDFs apart) and the peak RSS of the reading process. The corpus is drawn
 * in this process and read in a fresh child, so that drawing (a CJK font
 * subset per PDF) does not count as the job runner's memory.
 * Targets (issue 15): amount, date and transaction id ≥ 95 %, p95 ≤ 2 s per image, peak RSS ≤ 700 MB.
 */

const FIELDS = ["amount", "date", "time", "transactionId", "orderNo", "payee", "payerAccountTail", "receiptNo"] as const;
type FieldName = (typeof FIELDS)[number];

function expected(truth: SlipTruth, field: FieldName): string | number | null {
  return field === "amount" ? truth.amountFen : truth[field];
}

function exact(fields: ProofFields, truth: SlipTruth, field: FieldName): boolean {
  return (fields[field]?.value ?? null) === expected(truth, field);
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
};

type Reading = { name: string; fields: ProofFields; ms: number };

/** The child: reads every slip in `dir` and writes the readings and its own peak RSS to dir/readings.json. */
async function readCorpus(dir: string): Promise<void> {
  const slips = JSON.parse(readFileSync(path.join(dir, "slips.json"), "utf8")) as Omit<Slip, "bytes">[];
  const readings: Reading[] = [];
  for (const slip of slips) {
    const bytes = readFileSync(path.join(dir, slip.name));
    const started = performance.now();
    const extraction = await extractOffThread(bytes, slip.contentType);
    readings.push({ name: slip.name, fields: parseProofFields(extraction.ok ? extraction.text : ""), ms: performance.now() - started });
  }
  // maxRSS (KiB) covers the worker threads; each tesseract child is its own process (≈100 MB, one at a time, capped at 600 MB).
  writeFileSync(path.join(dir, "readings.json"), JSON.stringify({ readings, maxRssKb: process.resourceUsage().maxRSS }));
}

runCli(async () => {
  const args = process.argv.slice(2);
  const read = args.indexOf("--read");
  if (read >= 0) return readCorpus(args[read + 1]!);
  const at = args.indexOf("--n");
  const n = at >= 0 ? Number(args[at + 1]) : 60;
  if (!Number.isInteger(n) || n < 5 || n > 1000) throw new CliError("--n must be a whole number from 5 to 1,000");
  const slips = await makeCorpus(n);
  const dir = mkdtempSync(path.join(tmpdir(), "bench-proof-"));
  try {
    for (const slip of slips) writeFileSync(path.join(dir, slip.name), slip.bytes);
    writeFileSync(path.join(dir, "slips.json"), JSON.stringify(slips.map(({ bytes: _bytes, ...rest }) => rest)));
    const child = spawnSync(process.execPath, [...process.execArgv, process.argv[1]!, "--read", dir], { stdio: ["ignore", "ignore", "inherit"] });
    if (child.status !== 0) throw new CliError("the reading process failed");
    const { readings, maxRssKb } = JSON.parse(readFileSync(path.join(dir, "readings.json"), "utf8")) as { readings: Reading[]; maxRssKb: number };
    report(slips, readings, maxRssKb);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

function report(slips: Slip[], readings: Reading[], maxRssKb: number) {
  const byName = new Map(readings.map((r) => [r.name, r]));
  const results = slips.map((slip) => ({ slip, ...byName.get(slip.name)! }));
  if (process.env.BENCH_VERBOSE) {
    for (const r of results) for (const f of ["amount", "date", "transactionId"] as const) if (!exact(r.fields, r.slip.truth, f)) console.log(`  miss ${r.slip.name} ${f}: read ${r.fields[f]?.value ?? "—"}, true ${expected(r.slip.truth, f)}`);
  }
  console.log(`proof reading: ${slips.length} slips (${SLIP_KINDS.map((k) => `${slips.filter((s) => s.kind === k).length} ${k}`).join(", ")})`);
  console.log("\nexact, per field (fields the slip carries):");
  for (const field of FIELDS) {
    const carrying = results.filter((r) => expected(r.slip.truth, field) !== null);
    const ok = carrying.filter((r) => exact(r.fields, r.slip.truth, field)).length;
    console.log(`  ${field.padEnd(17)} ${ok}/${carrying.length}  ${((100 * ok) / Math.max(1, carrying.length)).toFixed(1)} %`);
  }
  console.log("\nper kind (amount · date · transaction id all exact; time p50/p95):");
  for (const kind of SLIP_KINDS) {
    const of = results.filter((r) => r.slip.kind === kind);
    const ok = of.filter((r) => (["amount", "date", "transactionId"] as const).every((f) => exact(r.fields, r.slip.truth, f))).length;
    const ms = of.map((r) => r.ms);
    console.log(`  ${kind.padEnd(12)} ${ok}/${of.length}  ${Math.round(percentile(ms, 50))} / ${Math.round(percentile(ms, 95))} ms`);
  }
  const images = results.filter((r) => r.slip.contentType !== "application/pdf").map((r) => r.ms);
  const pdfs = results.filter((r) => r.slip.contentType === "application/pdf").map((r) => r.ms);
  console.log(`\ntime per image: p50 ${Math.round(percentile(images, 50))} ms, p95 ${Math.round(percentile(images, 95))} ms (target ≤ 2000 ms)`);
  console.log(`time per PDF:   p50 ${Math.round(percentile(pdfs, 50))} ms, p95 ${Math.round(percentile(pdfs, 95))} ms`);
  console.log(`peak RSS: job runner ${Math.round((maxRssKb * 1024) / 1e6)} MB, plus one tesseract child at a time (target ≤ 700 MB)`);
}
