import sharp from "sharp";
import { beforeAll, describe, expect, it } from "vitest";
import { SLIP_KINDS, makeCorpus, type Slip } from "./corpus";
import { DHASH_SAME_IMAGE } from "./check";
import { differenceHash, hashDistance } from "./extract";
import { extractOffThread } from "./extract-off-thread";
import { parseProofFields } from "./fields";
import { tesseractEngine } from "./ocr-engine";

/**
 * The reading path end to end on a few generated slips, one per kind (the
 * whole corpus is `npm run bench:proof`). Needs tesseract with chi_sim and
 * Noto CJK (apt, .ci/run installs them).
 */
let slips: Slip[] = [];
beforeAll(async () => {
  slips = await makeCorpus(SLIP_KINDS.length, 7);
}, 60_000);

describe("reading proofs off-thread", () => {
  it("needs tesseract with its Chinese model here (CI installs it)", async () => {
    expect(await tesseractEngine().available()).toBe(true);
  });

  it.each(SLIP_KINDS)("reads amount, date, time and transaction number off a %s slip", async (kind) => {
    const slip = slips.find((s) => s.kind === kind)!;
    const extraction = await extractOffThread(slip.bytes, slip.contentType);
    if (!extraction.ok) throw new Error(extraction.reason);
    expect(extraction.source).toBe(kind === "bank_pdf" ? "pdf_text" : "ocr");
    const fields = parseProofFields(extraction.text);
    expect({ amount: fields.amount?.value, date: fields.date?.value, time: fields.time?.value, transactionId: fields.transactionId?.value }).toEqual({
      amount: slip.truth.amountFen,
      date: slip.truth.date,
      time: slip.truth.time,
      transactionId: slip.truth.transactionId,
    });
  }, 60_000);

  it("without an engine an image is unreadable (engine_missing), a PDF is still read", async () => {
    const image = slips.find((s) => s.kind === "wechat")!;
    const pdf = slips.find((s) => s.kind === "bank_pdf")!;
    expect(await extractOffThread(image.bytes, image.contentType, "none")).toMatchObject({ ok: false, reason: "engine_missing" });
    expect(await extractOffThread(pdf.bytes, pdf.contentType, "none")).toMatchObject({ ok: true, source: "pdf_text" });
  }, 60_000);

  it("a PDF without a text layer or a file that is not what it claims is unreadable, not an error", async () => {
    expect(await extractOffThread(Buffer.from("%PDF-1.4 garbage"), "application/pdf", "none")).toMatchObject({ ok: false, reason: "failed" });
    expect(await extractOffThread(Buffer.from("not an image"), "image/png", "none")).toMatchObject({ ok: false, reason: "failed" });
  }, 60_000);
});

describe("differenceHash", () => {
  it("a screenshot resized, JPEG-compressed or cropped by 4 % stays within DHASH_SAME_IMAGE bits; another layout does not", async () => {
    const wechat = slips.find((s) => s.kind === "wechat")!.bytes;
    const { width = 0, height = 0 } = await sharp(wechat).metadata();
    const original = await differenceHash(wechat);
    const resent = await differenceHash(await sharp(wechat).resize({ width: Math.round(width * 0.8) }).jpeg({ quality: 60 }).toBuffer());
    const cropped = await differenceHash(await sharp(wechat).extract({ left: 0, top: Math.round(height * 0.02), width, height: Math.round(height * 0.96) }).toBuffer());
    const paper = await differenceHash(slips.find((s) => s.kind === "paper_photo")!.bytes);
    expect(hashDistance(original, resent)).toBeLessThanOrEqual(DHASH_SAME_IMAGE);
    expect(hashDistance(original, cropped)).toBeLessThanOrEqual(DHASH_SAME_IMAGE);
    expect(hashDistance(original, paper)).toBeGreaterThan(DHASH_SAME_IMAGE);
  });

  it("counts differing bits", () => {
    expect(hashDistance("0000000000000000", "0000000000000000")).toBe(0);
    expect(hashDistance("0000000000000000", "ffffffffffffffff")).toBe(64);
    expect(hashDistance("f0f0f0f0f0f0f0f0", "f0f0f0f0f0f0f0f3")).toBe(2);
  });
});
