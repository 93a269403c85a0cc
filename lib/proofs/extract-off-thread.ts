import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { Extraction } from "./extract";

/**
 * Extraction in a worker thread of the job runner, with a heap cap and a
 * wall clock per proof (issue 15: never in a request, bounded in time and
 * memory). The OCR child gets its own address-space cap and timeout
 * (./ocr-engine.ts). A worker that runs out of either is ended and the proof
 * is `unreadable`, as when no engine is installed.
 */
export const EXTRACTION_LIMITS = {
  /** Wall clock for one proof, OCR included. */
  seconds: 20,
  /** V8 heap of the worker (pdfjs); image pixels live in libvips, capped by PROOF_LIMITS.maxPixels at upload. */
  heapMb: 256,
  /** The OCR child's address space. */
  ocrMemoryMb: 600,
} as const;

export type ExtractionEngine = "tesseract" | "none";

export function extractOffThread(bytes: Buffer, contentType: string, engine: ExtractionEngine = "tesseract"): Promise<Extraction> {
  return new Promise((resolve) => {
    const options = { resourceLimits: { maxOldGenerationSizeMb: EXTRACTION_LIMITS.heapMb, maxYoungGenerationSizeMb: 32, stackSizeMb: 4 }, stdout: false, stderr: false };
    // As in lib/uploads/verify-off-thread.ts: unbundled (tsx, vitest) the worker is its .ts source, loaded through tsx's require hook.
    const worker = import.meta.url.endsWith(".ts")
      ? new Worker(`require("tsx/cjs/api").register(); require(${JSON.stringify(fileURLToPath(import.meta.url).replace(/extract-off-thread\.ts$/, "extract-worker.ts"))});`, {
          ...options,
          eval: true,
        })
      : new Worker(new URL("./extract-worker.ts", import.meta.url), options);
    let settled = false;
    const finish = (result: Extraction) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void worker.terminate();
      resolve(result);
    };
    const timer = setTimeout(() => finish({ ok: false, reason: "timeout", dhash: null }), EXTRACTION_LIMITS.seconds * 1000);
    worker.once("message", (result: Extraction) => finish(result));
    worker.once("error", () => finish({ ok: false, reason: "failed", dhash: null }));
    worker.once("exit", () => finish({ ok: false, reason: "failed", dhash: null }));
    const copy = new Uint8Array(bytes);
    worker.postMessage({ bytes: copy, contentType, engine }, [copy.buffer]);
  });
}
