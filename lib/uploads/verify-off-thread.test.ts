import { deflateSync } from "node:zlib";
import { performance } from "node:perf_hooks";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { verifyProofsOffThread } from "./verify-off-thread";
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
    // Event-loop utilisation counts this thread's busy time only, so it does not depend on how loaded the
    // machine is: done on this thread, the inflation would keep it near 1; off-thread it stays mostly idle.
    const before = performance.eventLoopUtilization();
    const bomb = await verifyProofsOffThread([flateInFlatePdf()]);
    const photos = await verifyProofsOffThread([jpegDeclaring(6000, 6000)]);
    const { utilization } = performance.eventLoopUtilization(before);
    expect(bomb).toEqual({ ok: true, verdicts: [{ ok: false, code: "too_complex" }] });
    expect(photos).toEqual({ ok: true, verdicts: [{ ok: false, code: "too_many_pixels" }] });
    expect(utilization).toBeLessThan(0.5);
  });

  it("a single Flate stream that expands past the budget is refused", async () => {
    const huge = deflateSync(Buffer.alloc(64 * 1024 * 1024), { level: 9 });
    const pdf = Buffer.from(`%PDF-1.5\n1 0 obj\n<< /Length ${huge.length} /Filter /FlateDecode >>\nstream\n`, "latin1");
    const input = Buffer.concat([pdf, huge, Buffer.from("\nendstream\nendobj\n%%EOF\n", "latin1")]);
    expect(await verifyProofsOffThread([input])).toEqual({ ok: true, verdicts: [{ ok: false, code: "too_complex" }] });
  });
});
