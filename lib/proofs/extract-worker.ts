import { parentPort } from "node:worker_threads";
import sharp from "sharp";
import { extractProofText } from "./extract";
import { EXTRACTION_LIMITS, type ExtractionEngine } from "./extract-off-thread";
import { noOcrEngine, tesseractEngine } from "./ocr-engine";

/** Worker-thread entry of extractOffThread: one proof in, one Extraction out, then the thread is ended. */
sharp.concurrency(1);
sharp.cache(false);

type Job = { bytes: Uint8Array; contentType: string; engine: ExtractionEngine };

parentPort!.once("message", (job: Job) => {
  const engine = job.engine === "tesseract" ? tesseractEngine() : noOcrEngine;
  const bytes = Buffer.from(job.bytes.buffer, job.bytes.byteOffset, job.bytes.byteLength);
  void extractProofText(bytes, job.contentType, engine, { timeoutMs: (EXTRACTION_LIMITS.seconds - 2) * 1000, memoryMb: EXTRACTION_LIMITS.ocrMemoryMb }).then((result) =>
    parentPort!.postMessage(result),
  );
});
