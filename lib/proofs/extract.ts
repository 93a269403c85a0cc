import sharp from "sharp";
import type { OcrEngine, OcrLimits } from "./ocr-engine";

/**
 * The text of one stored proof, and its image fingerprint. PDFs are read
 * through their text layer (pdfjs-dist); images go through OCR after a
 * greyscale downscale (large bold digits — the "-120.50" of a WeChat bill —
 * are misread at full size). Runs in the job runner's worker thread
 * (./extract-off-thread.ts), never in a request.
 */

export type Extraction =
  | { ok: true; source: "pdf_text" | "ocr"; text: string; dhash: string | null }
  | { ok: false; reason: "engine_missing" | "no_text" | "failed" | "timeout"; dhash: string | null };

export const MAX_PDF_PAGES = 3;

export async function extractProofText(bytes: Buffer, contentType: string, engine: OcrEngine, limits: OcrLimits): Promise<Extraction> {
  if (contentType === "application/pdf") {
    try {
      const text = await pdfText(bytes);
      return text.trim() === "" ? { ok: false, reason: "no_text", dhash: null } : { ok: true, source: "pdf_text", text, dhash: null };
    } catch {
      return { ok: false, reason: "failed", dhash: null };
    }
  }
  let dhash: string | null = null;
  try {
    dhash = await differenceHash(bytes);
    if (!(await engine.available())) return { ok: false, reason: "engine_missing", dhash };
    const text = await engine.recognise(await imageForOcr(bytes), limits);
    return text.trim() === "" ? { ok: false, reason: "no_text", dhash } : { ok: true, source: "ocr", text, dhash };
  } catch (error) {
    return { ok: false, reason: error instanceof Error && error.message === "ocr_timeout" ? "timeout" : "failed", dhash };
  }
}

async function imageForOcr(bytes: Buffer): Promise<Buffer> {
  const image = sharp(bytes, { limitInputPixels: 25_000_000 }).rotate();
  const { width = 0 } = await image.metadata();
  const target = width > 700 ? Math.min(Math.round(width * 0.7), 1600) : width;
  return image.greyscale().resize({ width: target }).png().toBuffer();
}

/**
 * dHash: 9×8 greyscale, one bit per horizontal neighbour pair (is the left
 * pixel brighter?), 64 bits as 16 hex digits. Survives re-encoding, resizing
 * and small crops, so the same screenshot sent twice is found even when its
 * bytes differ (the SHA-256 check catches only identical files). Measured on
 * the corpus: a copy resized to 80 % and JPEG-compressed, or cropped by 4 %,
 * differs from its original in ≤ 10 bits; but two WeChat bills that differ
 * only in their digits can differ in 0 bits, because the template dominates
 * 9×8 pixels. So an image match is only evidence when the transaction numbers
 * do not contradict it (db/queries/proof-checks.ts, DHASH_SAME_IMAGE in ./check.ts).
 */
export async function differenceHash(bytes: Buffer): Promise<string> {
  const pixels = await sharp(bytes, { limitInputPixels: 25_000_000 }).rotate().flatten({ background: "#ffffff" }).greyscale().resize(9, 8, { fit: "fill" }).raw().toBuffer();
  let bits = 0n;
  for (let y = 0; y < 8; y++) for (let x = 0; x < 8; x++) bits = (bits << 1n) | (pixels[y * 9 + x]! > pixels[y * 9 + x + 1]! ? 1n : 0n);
  return bits.toString(16).padStart(16, "0");
}

/** Bits that differ between two dHashes (0–64); ≤ DHASH_SAME_IMAGE (./check.ts) means the same picture. */
export function hashDistance(a: string, b: string): number {
  let x = BigInt(`0x${a}`) ^ BigInt(`0x${b}`);
  let n = 0;
  for (; x > 0n; x >>= 1n) n += Number(x & 1n);
  return n;
}

/** Text items joined into lines by their baseline, left to right; pdfjs splits one drawn string into several items. */
async function pdfText(bytes: Buffer): Promise<string> {
  const { getDocument } = await import("pdfjs-dist/legacy/build/pdf.mjs");
  const doc = await getDocument({ data: new Uint8Array(bytes), isEvalSupported: false, disableFontFace: true, useSystemFonts: false, verbosity: 0 }).promise;
  try {
    const lines: string[] = [];
    for (let p = 1; p <= Math.min(doc.numPages, MAX_PDF_PAGES); p++) {
      const page = await doc.getPage(p);
      const content = await page.getTextContent();
      const rows = new Map<number, { x: number; str: string }[]>();
      for (const item of content.items) {
        if (!("str" in item) || item.str === "") continue;
        const y = Math.round(Number(item.transform[5]) / 2);
        rows.set(y, [...(rows.get(y) ?? []), { x: Number(item.transform[4]), str: item.str }]);
      }
      for (const y of [...rows.keys()].sort((a, b) => b - a)) {
        lines.push(rows.get(y)!.sort((a, b) => a.x - b.x).map((i) => i.str).join(" "));
      }
    }
    return lines.join("\n");
  } finally {
    await doc.destroy();
  }
}
