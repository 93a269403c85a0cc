import { execFile } from "node:child_process";
import { access } from "node:fs/promises";

/**
 * Offline OCR of a proof image, behind one interface so that the engine can
 * change without touching extraction or parsing. Chosen by measurement
 * (issue 15, see the README "Proof checks"): tesseract 5 with Debian's
 * chi_sim model read amount, date and transaction number as well as
 * PaddleOCR (ch_PP-OCRv4 on onnxruntime-node) on the rendered slips, at
 * a tenth of the memory (≈100 MB against ≈1 GB) and without 335 MB of
 * node_modules. The model ships in the Debian package; nothing is downloaded.
 */
export interface OcrEngine {
  readonly name: string;
  /** Whether the engine and its model are installed; when not, proofs are `unreadable` and nothing else changes. */
  available(): Promise<boolean>;
  /** The text of a greyscale PNG, lines kept. Rejects past `limits` (the child is killed). */
  recognise(png: Buffer, limits: OcrLimits): Promise<string>;
}

export type OcrLimits = { timeoutMs: number; memoryMb: number };

const TESSDATA = ["/usr/share/tesseract-ocr/5/tessdata/chi_sim.traineddata", "/usr/share/tesseract-ocr/4.00/tessdata/chi_sim.traineddata"];

/** The `tesseract` CLI (apt: tesseract-ocr tesseract-ocr-chi-sim), one process per image, one thread, address space capped. */
export function tesseractEngine(binary = "tesseract"): OcrEngine {
  let present: Promise<boolean> | undefined;
  return {
    name: "tesseract",
    available() {
      present ??= (async () => {
        const model = await Promise.any(TESSDATA.map((file) => access(file).then(() => true))).catch(() => false);
        if (!model) return false;
        return new Promise<boolean>((resolve) => execFile(/*turbopackIgnore: true*/ binary, ["--version"], { timeout: 10_000 }, (error) => resolve(!error)));
      })();
      return present;
    },
    recognise(png, limits) {
      return new Promise((resolve, reject) => {
        // prlimit caps the child's address space: a hostile image costs at most memoryMb, then tesseract fails.
        const child = execFile(
          /*turbopackIgnore: true*/ "prlimit",
          [`--as=${limits.memoryMb * 1024 * 1024}`, binary, "stdin", "stdout", "-l", "chi_sim+eng", "--psm", "6"],
          { timeout: limits.timeoutMs, killSignal: "SIGKILL", maxBuffer: 1024 * 1024, encoding: "utf8", env: { ...process.env, OMP_THREAD_LIMIT: "1" } },
          (error, stdout) => (error ? reject(new Error(error.killed ? "ocr_timeout" : "ocr_failed")) : resolve(stdout)),
        );
        child.stdin?.on("error", () => undefined);
        child.stdin?.end(png);
      });
    },
  };
}

/** No engine: every image is `unreadable` (tests of the fallback, machines without tesseract). */
export const noOcrEngine: OcrEngine = { name: "none", available: () => Promise.resolve(false), recognise: () => Promise.reject(new Error("ocr_unavailable")) };
