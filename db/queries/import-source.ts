import "server-only";
import { createHash } from "node:crypto";
import type { ParseEvent } from "@/lib/statements";

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
};

/** Rejected lines kept for the summary; the count is always exact. */
const KEEP_REJECTED = 1000;

export class LineTally {
  read = 0;
  records = 0;
  skipped = 0;
  rejectedCount = 0;
  readonly rejected: { line: number; reason: string }[] = [];
  readonly skippedReasons: Record<string, number> = {};

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
      if (this.rejected.length < KEEP_REJECTED) this.rejected.push({ line: event.line, reason: event.reason });
    }
    return false;
  }
}

export async function sha256Of(source: AsyncIterable<Uint8Array>): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of source) hash.update(chunk);
  return hash.digest("hex");
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

export { createHash };
