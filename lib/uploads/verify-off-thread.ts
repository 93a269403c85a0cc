import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { ProofVerdict } from "./verify-proof";

/**
 * Proof verification off the request thread: decoding an image or parsing a
 * PDF is CPU work that must never stall the event loop that answers every
 * other request (health checks included). Each batch runs in a fresh worker
 * thread with a heap cap and a wall-clock cap, and batches take turns (one at
 * a time per instance), so hostile uploads cost at most one core for at most
 * OFF_THREAD_LIMITS.seconds, and are then refused as `too_complex`.
 */
export const OFF_THREAD_LIMITS = {
  /** Wall clock for one batch (up to 5 files); a worker past it is terminated. */
  seconds: 15,
  /** V8 heap of the worker; image pixels live in libvips (capped by PROOF_LIMITS.maxPixels). */
  heapMb: 192,
  /** Batches waiting for their turn beyond this are refused at once (`busy`) instead of queueing without end. */
  maxWaiting: 16,
} as const;

export type BatchVerdict = { ok: true; verdicts: ProofVerdict[] } | { ok: false; code: "too_complex" | "busy" };

let queue: Promise<unknown> = Promise.resolve();
let waiting = 0;

/** Verifies files in order; stops at the first refusal (its verdict is the last one). */
export async function verifyProofsOffThread(files: Buffer[]): Promise<BatchVerdict> {
  if (files.length === 0) return { ok: true, verdicts: [] };
  if (waiting >= OFF_THREAD_LIMITS.maxWaiting) return { ok: false, code: "busy" };
  waiting++;
  const turn = queue.then(() => runWorker(files));
  queue = turn.catch(() => undefined);
  try {
    return await turn;
  } finally {
    waiting--;
  }
}

function runWorker(files: Buffer[]): Promise<BatchVerdict> {
  return new Promise((resolve) => {
    const options = {
      resourceLimits: { maxOldGenerationSizeMb: OFF_THREAD_LIMITS.heapMb, maxYoungGenerationSizeMb: 32, stackSizeMb: 4 },
      stdout: false,
      stderr: false,
    };
    // `new Worker(new URL(…, import.meta.url))`, literally, is the form Next.js bundles as a worker entry
    // (a .js chunk in the build). Unbundled (vitest, tsx) this module is its .ts source, and so is the
    // worker: it is loaded through tsx's require hook.
    const worker = import.meta.url.endsWith(".ts")
      ? new Worker(`require("tsx/cjs/api").register(); require(${JSON.stringify(fileURLToPath(import.meta.url).replace(/verify-off-thread\.ts$/, "proof-worker.ts"))});`, {
          ...options,
          eval: true,
        })
      : new Worker(new URL("./proof-worker.ts", import.meta.url), options);
    let settled = false;
    const finish = (verdict: BatchVerdict) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void worker.terminate();
      resolve(verdict);
    };
    const timer = setTimeout(() => finish({ ok: false, code: "too_complex" }), OFF_THREAD_LIMITS.seconds * 1000);
    worker.once("message", (verdicts: ProofVerdict[]) => {
      finish({ ok: true, verdicts: verdicts.map(revive) });
    });
    // Out of memory (ERR_WORKER_OUT_OF_MEMORY), a crash in a decoder, or an exit without an answer.
    worker.once("error", () => finish({ ok: false, code: "too_complex" }));
    worker.once("exit", () => finish({ ok: false, code: "too_complex" }));
    const copies = files.map((f) => new Uint8Array(f));
    worker.postMessage(copies, copies.map((c) => c.buffer));
  });
}

/** Structured clone turns Buffers into Uint8Arrays. */
function revive(verdict: ProofVerdict): ProofVerdict {
  if (!verdict.ok) return verdict;
  const bytes = verdict.proof.bytes as unknown as Uint8Array;
  return { ok: true, proof: { ...verdict.proof, bytes: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) } };
}
