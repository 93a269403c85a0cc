import { describe, expect, it } from "vitest";
import { setupTestDatabase } from "@/db/testing/test-db";
import type { VerifiedProof } from "@/lib/uploads/verify-proof";
import { FORM_PROOF_TTL_MS, forgetFormProofs, keepFormProofs, keptFormProofCount, keptFormProofs, purgeExpiredFormProofs } from "./form-proofs";

setupTestDatabase();

const proof = (n: number): VerifiedProof => ({ contentType: "image/png", extension: "png", bytes: Buffer.from(`png-bytes-${n}`), sha256: `${n}`.repeat(64).slice(0, 64), originalSha256: `o${n}`.repeat(32).slice(0, 64) });
const now = new Date("2026-12-03T02:00:00Z");
const key = (name: string) => `form-${name}-${Math.random().toString(36).slice(2, 10)}`;

describe("proofs kept across a form error", () => {
  it("keeps the verified bytes under the form's key and receipt, in order", async () => {
    const k = key("order");
    await keepFormProofs(k, "2026110000000094", [proof(1), proof(2)], now);
    expect(await keptFormProofCount(k, "2026110000000094", now)).toBe(2);
    const kept = await keptFormProofs(k, "2026110000000094", now);
    expect(kept.map((p) => p.bytes.toString())).toEqual(["png-bytes-1", "png-bytes-2"]);
    expect(kept[0]).toMatchObject({ contentType: "image/png", extension: "png", sha256: proof(1).sha256, originalSha256: proof(1).originalSha256 });
  });

  it("gives nothing to another receipt's form with the same key", async () => {
    const k = key("other");
    await keepFormProofs(k, "2026110000000094", [proof(1)], now);
    expect(await keptFormProofCount(k, "2026110000000045", now)).toBe(0);
    expect(await keptFormProofs(k, "2026110000000045", now)).toEqual([]);
  });

  it("replaces what the form kept before, and forgets on request", async () => {
    const k = key("replace");
    await keepFormProofs(k, "2026110000000094", [proof(1), proof(2)], now);
    await keepFormProofs(k, "2026110000000094", [proof(3)], now);
    expect((await keptFormProofs(k, "2026110000000094", now)).map((p) => p.bytes.toString())).toEqual(["png-bytes-3"]);
    await forgetFormProofs(k);
    expect(await keptFormProofCount(k, "2026110000000094", now)).toBe(0);
  });

  it("expires after the TTL and the worker's sweep removes only expired forms", async () => {
    const old = key("old");
    const fresh = key("fresh");
    await keepFormProofs(old, "2026110000000094", [proof(1)], now);
    const later = new Date(now.getTime() + FORM_PROOF_TTL_MS + 1000);
    await keepFormProofs(fresh, "2026110000000094", [proof(2)], later);
    expect(await keptFormProofCount(old, "2026110000000094", later)).toBe(0);
    expect(await keptFormProofs(old, "2026110000000094", later)).toEqual([]);
    expect(await purgeExpiredFormProofs(later)).toBeGreaterThanOrEqual(1);
    expect(await keptFormProofCount(fresh, "2026110000000094", later)).toBe(1);
  });
});
