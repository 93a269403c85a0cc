import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { ProofVerdict } from "./verify-proof";

/**
 * Proof verification off the request thread: decoding an image or parsing a
 * PDF is CPU work that must never stall the event loop that answers every
 * other request (health checks included). Batches run in a worker thread with
 * a heap cap and a wall-clock cap, and take turns (one at a time per
 * instance), so hostile uploads cost at most one core for at most
 * OFF_THREAD_LIMITS.seconds, and are then refused as `too_complex`.
 *
 * The worker is kept between batches: starting one (a V8 isolate loading
 * sharp and pdf-lib) cost more CPU than verifying a phone photo or refusing a
 * PDF bomb. A worker that runs out of time or memory, or crashes, is ended
 * and the next batch gets a fresh one; an idle worker is ended after
 * OFF_THREAD_LIMITS.idleSeconds.
 */
export const OFF_THREAD_LIMITS = {
  /** Wall clock for one batch (up to 5 files); a worker past it is terminated. */
  seconds: 15,
  /** V8 heap of the worker; image pixels live in libvips (capped by PROOF_LIMITS.maxPixels). */
  heapMb: 192,
  /** Batches waiting for their turn beyond this are refused at once (`busy`) instead of queueing without end. */
  maxWaiting: 16,
  /** A worker with no batch for this long is ended (its memory returned); the next batch starts one. */
  idleSeconds: 60,
} as const;

export type BatchVerdict = { ok: true; verdicts: ProofVerdict[] } | { ok: false; code: "too_complex" | "busy" };

let queue: Promise<unknown> = Promise.resolve();
let waiting = 0;

/** Verifies files in order; stops at the first refusal (its verdict is the last one). */
export async function verifyProofsOffThread(files: Buffer[]): Promise<BatchVerdict> {
  if (files.length === 0) return { ok: true, verdicts: [] };
  if (waiting >= OFF_THREAD_LIMITS.maxWaiting) return { ok: false, code: "busy" };
  waiting++;
  const turn = queue.then(() => runBatch(files));
  queue = turn.catch(() => undefined);
  try {
    return await turn;
  } finally {
    waiting--;
  }
}

/** Worker threads started so far by this process (for tests: a kept worker is not started again). */
export const workerStarts = { count: 0 };

let kept: { worker: Worker; idle?: ReturnType<typeof setTimeout> } | null = null;

function startWorker(): Worker {
  workerStarts.count++;
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
  // An idle kept worker never keeps the process alive.
  worker.unref();
  return worker;
}

/** Ends the kept worker (a batch that failed, an idle timeout); the next batch starts a new one. */
function dropWorker(worker: Worker): void {
  if (kept?.worker === worker) {
    if (kept.idle) clearTimeout(kept.idle);
    kept = null;
  }
  void worker.terminate();
}

function runBatch(files: Buffer[]): Promise<BatchVerdict> {
  if (kept?.idle) clearTimeout(kept.idle);
  kept ??= { worker: startWorker() };
  const { worker } = kept;
  return new Promise((resolve) => {
    let settled = false;
    const finish = (verdict: BatchVerdict, healthy: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      worker.off("message", onMessage);
      worker.off("error", onFailure);
      worker.off("exit", onFailure);
      if (!healthy) dropWorker(worker);
      else if (kept?.worker === worker) {
        kept.idle = setTimeout(() => dropWorker(worker), OFF_THREAD_LIMITS.idleSeconds * 1000);
        kept.idle.unref();
      }
      resolve(verdict);
    };
    const onMessage = (verdicts: ProofVerdict[]) => finish({ ok: true, verdicts: verdicts.map(revive) }, true);
    // Out of memory (ERR_WORKER_OUT_OF_MEMORY), a crash in a decoder, or an exit without an answer.
    const onFailure = () => finish({ ok: false, code: "too_complex" }, false);
    const timer = setTimeout(onFailure, OFF_THREAD_LIMITS.seconds * 1000);
    worker.once("message", onMessage);
    worker.once("error", onFailure);
    worker.once("exit", onFailure);
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
