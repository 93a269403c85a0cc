import "server-only";
import { createHash } from "node:crypto";
import { metrics, type ImportKind, type ImportResult, type ImportRowOutcome } from "@/lib/metrics";
import { StatementFileError, type ParseEvent } from "@/lib/statements";

/**
 * What an import reads and what it reports, shared by the receipts and the
 * settlements import.
 */

/** A file that can be read more than once (once to hash it, once to load it). */
export type FileSource = { name: string; open: () => AsyncIterable<Uint8Array> };

export type ImportHooks = {
  /** Bytes read so far, for a progress bar. */
  onProgress?: (bytes: number) => void;
  /** Called after each staged batch with the rows staged so far; tests throw from here to simulate a crash mid-file. */
  onStaged?: (rows: number) => void;
  /** Called as each phase of the import ends, with its wall time: the benchmark prints them. */
  onPhase?: (phase: string, ms: number) => void;
};

/** Runs one phase of an import and reports its duration. */
export async function timed<T>(onPhase: ((phase: string, ms: number) => void) | undefined, phase: string, run: () => Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    return await run();
  } finally {
    onPhase?.(phase, performance.now() - started);
  }
}

/**
 * Runs one whole import and records it in the process metrics: its duration
 * by result, and — once it has committed — its rows by outcome.
 */
export async function recordImport<S>(
  kind: ImportKind,
  run: () => Promise<S>,
  outcome: (summary: S) => { result: ImportResult; rows: Partial<Record<ImportRowOutcome, number>> },
): Promise<S> {
  const m = metrics();
  const stop = m.importDuration.startTimer({ kind });
  try {
    const summary = await run();
    const { result, rows } = outcome(summary);
    stop({ result });
    for (const [row, n] of Object.entries(rows)) if (n) m.importRows.inc({ kind, outcome: row }, n);
    return summary;
  } catch (error) {
    stop({ result: error instanceof StatementFileError ? "refused" : "failed" });
    throw error;
  }
}

/** Rejected lines kept for the summary; the count is always exact. */
const KEEP_REJECTED = 1000;

export class LineTally {
  read = 0;
  records = 0;
  skipped = 0;
  rejectedCount = 0;
  readonly rejected: { line: number; reason: string }[] = [];
  readonly skippedReasons: Record<string, number> = {};

  /** Adds another tally of other lines of the same file; the rejections kept are still the first, by line. */
  add(other: LineTally): void {
    this.read += other.read;
    this.records += other.records;
    this.skipped += other.skipped;
    this.rejectedCount += other.rejectedCount;
    for (const [reason, n] of Object.entries(other.skippedReasons)) this.skippedReasons[reason] = (this.skippedReasons[reason] ?? 0) + n;
    const rejected = [...this.rejected, ...other.rejected].sort((a, b) => a.line - b.line).slice(0, KEEP_REJECTED);
    this.rejected.splice(0, this.rejected.length, ...rejected);
  }

  count<T>(event: ParseEvent<T>): event is Extract<ParseEvent<T>, { kind: "record" }> {
    this.read++;
    if (event.kind === "record") {
      this.records++;
      return true;
    }
    if (event.kind === "skipped") {
      this.skipped++;
      this.skippedReasons[event.reason] = (this.skippedReasons[event.reason] ?? 0) + 1;
    } else {
      this.rejectedCount++;
      // A copy of the reason: it may hold a slice of a whole chunk of the file's text, which it would keep alive.
      if (this.rejected.length < KEEP_REJECTED) this.rejected.push({ line: event.line, reason: Buffer.from(event.reason, "utf8").toString("utf8") });
    }
    return false;
  }
}

/** The SHA-256 and size of a file. */
export async function sha256Of(source: AsyncIterable<Uint8Array>): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash("sha256");
  let bytes = 0;
  for await (const chunk of source) {
    hash.update(chunk);
    bytes += chunk.length;
  }
  return { sha256: hash.digest("hex"), bytes };
}

/** Passes the bytes through while hashing them and reporting progress. */
export async function* tapBytes(source: AsyncIterable<Uint8Array>, hash: ReturnType<typeof createHash>, onProgress?: (bytes: number) => void): AsyncGenerator<Uint8Array> {
  let bytes = 0;
  for await (const chunk of source) {
    hash.update(chunk);
    bytes += chunk.length;
    onProgress?.(bytes);
    yield chunk;
  }
}

/** What inPieces cuts a file into, and the COPY lane decodes its checks' text in. */
export const PIECE_BYTES = 32 * 1024;

/**
 * The bytes in pieces of at most `size`: text decoded from a piece of 32 KB is young garbage, where the text of
 * a 256 KB read is a large object that only a full collection frees (a million-line import then held 60–100 MB
 * of dead text).
 */
export async function* inPieces(source: AsyncIterable<Uint8Array>, size = PIECE_BYTES): AsyncGenerator<Uint8Array> {
  for await (const chunk of source) {
    if (chunk.length <= size) yield chunk;
    else for (let at = 0; at < chunk.length; at += size) yield chunk.subarray(at, at + size);
  }
}
