import { like } from "drizzle-orm";
import { randomInt } from "node:crypto";
import { describe, expect, it, vi } from "vitest";
import { rateLimits } from "@/db/schema";
import { databaseKind, setupTestDatabase } from "@/db/testing/test-db";
import { LOOKUP_LIMITS } from "@/lib/rate-limit";
import { withLuhnDigit } from "@/lib/receipt-number";
import type { LookupState } from "@/lib/action-state";
import { lookupAction } from "./actions";

/**
 * SPEC §3.2 through the resident's real lookup action: limited per client and per
 * receipt, counted in the database (so every instance shares the budget), with
 * when to retry. Only the request plumbing is replaced: Next supplies it in a live request.
 */
const request = vi.hoisted(() => ({ address: "198.51.100.1" }));
vi.mock("next/headers", () => ({
  // The socket address as scripts/http-server.mjs stamps it; a forged X-Forwarded-For beside it changes nothing.
  headers: () => Promise.resolve(new Headers({ "x-paystatus-socket-address": request.address, "x-forwarded-for": `10.9.${randomInt(0, 255)}.1` })),
  cookies: () => Promise.resolve({ get: () => undefined, set: () => undefined }),
}));

const { handle } = setupTestDatabase();
const initial: LookupState = { values: { receipt: "", amount: "" } };
const unknownReceipt = () => withLuhnDigit(`2026880${String(randomInt(0, 1e8)).padStart(8, "0")}`);

async function lookUp(receipt: string, from: string): Promise<LookupState> {
  request.address = from;
  const data = new FormData();
  data.set("receipt", receipt);
  data.set("amount", "1.00");
  return lookupAction(initial, data);
}

describe(`lookup rate limits on ${databaseKind()}`, () => {
  it("one client walking receipt numbers is stopped after its budget, other clients are not", async () => {
    const client = "203.0.113.50";
    for (let i = 0; i < LOOKUP_LIMITS.perClient.limit; i++) expect((await lookUp(unknownReceipt(), client)).code).toBe("no_match");
    const refused = await lookUp(unknownReceipt(), client);
    expect(refused.code).toBe("rate_limited");
    expect(refused.retryAfterMinutes).toBeGreaterThanOrEqual(1);
    expect(refused.retryAfterMinutes).toBeLessThanOrEqual(LOOKUP_LIMITS.perClient.windowSeconds / 60);
    expect((await lookUp(unknownReceipt(), "203.0.113.51")).code).toBe("no_match");
  });

  it("one receipt's amounts cannot be walked from many clients", async () => {
    const receipt = unknownReceipt();
    for (let i = 0; i < LOOKUP_LIMITS.perReceipt.limit; i++) expect((await lookUp(receipt, `192.0.2.${i + 1}`)).code).toBe("no_match");
    expect((await lookUp(receipt, "192.0.2.200")).code).toBe("rate_limited");
    expect((await lookUp(unknownReceipt(), "192.0.2.200")).code).toBe("no_match");
  });

  it("keeps the counters in the database, keyed by a hash of the address, never the address", async () => {
    const rows = await handle().db.select().from(rateLimits).where(like(rateLimits.key, "lookup:%"));
    expect(rows.some((r) => r.key.startsWith("lookup:client:"))).toBe(true);
    expect(rows.some((r) => r.key.startsWith("lookup:receipt:"))).toBe(true);
    expect(JSON.stringify(rows)).not.toMatch(/203\.0\.113|192\.0\.2/);
  });

  it("refuses malformed input before any counter or query", async () => {
    const before = (await handle().db.select().from(rateLimits)).length;
    for (const receipt of ["", "-", "😀", "9".repeat(200), "'; drop table receipts; --", "2026110000000012"]) {
      expect(["invalid", "mistyped"]).toContain((await lookUp(receipt, "198.51.100.9")).code);
    }
    expect((await handle().db.select().from(rateLimits)).length).toBe(before);
  });
});
