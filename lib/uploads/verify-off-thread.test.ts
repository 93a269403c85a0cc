import { deflateSync } from "node:zlib";
import { performance } from "node:perf_hooks";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { verifyProofsOffThread, workerStarts } from "./verify-off-thread";
import { flateInFlatePdf, jpegDeclaring } from "./testing";

describe("verifyProofsOffThread", () => {
  it("verifies and re-encodes in a worker thread", async () => {
    const jpeg = await sharp({ create: { width: 40, height: 30, channels: 3, background: "#888" } }).jpeg().toBuffer();
    const result = await verifyProofsOffThread([jpeg]);
    if (!result.ok) throw new Error(result.code);
    expect(result.verdicts).toHaveLength(1);
    const [verdict] = result.verdicts;
    if (!verdict?.ok) throw new Error("refused");
    expect(Buffer.isBuffer(verdict.proof.bytes)).toBe(true);
    expect(verdict.proof).toMatchObject({ contentType: "image/jpeg", width: 40, height: 30 });
  });

  it("refuses a Flate-in-Flate bomb and a 36-megapixel header while the event loop stays idle", async () => {
    // The event loop's own busy time (not the machine's), in milliseconds: done on this thread, parsing
    // would keep it busy for the whole verification; off-thread it only posts the bytes and reads the answer.
    // The hostile files are built first (deflating 64 MB here is this test's own work, not the server's).
    const [pdf, jpeg] = [flateInFlatePdf(), jpegDeclaring(6000, 6000)];
    const before = performance.eventLoopUtilization();
    const bomb = await verifyProofsOffThread([pdf]);
    const photos = await verifyProofsOffThread([jpeg]);
    const { active } = performance.eventLoopUtilization(before);
    expect(bomb).toEqual({ ok: true, verdicts: [{ ok: false, code: "too_complex" }] });
    expect(photos).toEqual({ ok: true, verdicts: [{ ok: false, code: "too_many_pixels" }] });
    expect(active).toBeLessThan(50);
  });

  it("a single Flate stream that expands past the budget is refused", async () => {
    const huge = deflateSync(Buffer.alloc(64 * 1024 * 1024), { level: 9 });
    const pdf = Buffer.from(`%PDF-1.5\n1 0 obj\n<< /Length ${huge.length} /Filter /FlateDecode >>\nstream\n`, "latin1");
    const input = Buffer.concat([pdf, huge, Buffer.from("\nendstream\nendobj\n%%EOF\n", "latin1")]);
    expect(await verifyProofsOffThread([input])).toEqual({ ok: true, verdicts: [{ ok: false, code: "too_complex" }] });
  });

  it("keeps one worker for batch after batch, refusals included", async () => {
    const jpeg = await sharp({ create: { width: 16, height: 16, channels: 3, background: "#444" } }).jpeg().toBuffer();
    await verifyProofsOffThread([jpeg]);
    const started = workerStarts.count;
    const answers = [];
    for (const file of [jpeg, flateInFlatePdf(), jpeg, jpegDeclaring(6000, 6000), jpeg]) answers.push(await verifyProofsOffThread([file]));
    expect(answers.map((a) => (a.ok ? (a.verdicts[0]!.ok ? "ok" : a.verdicts[0]!.code) : a.code))).toEqual(["ok", "too_complex", "ok", "too_many_pixels", "ok"]);
    expect(workerStarts.count).toBe(started);
  });
});
