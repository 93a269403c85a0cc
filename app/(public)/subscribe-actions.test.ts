import { randomBytes } from "node:crypto";
import { eq, like } from "drizzle-orm";
import { describe, expect, it, vi } from "vitest";
import { postingSubscriptions, rateLimits, receipts } from "@/db/schema";
import { databaseKind, setupTestDatabase } from "@/db/testing/test-db";
import { env } from "@/lib/env";
import { receiptToken } from "@/lib/receipt-link";
import { withLuhnDigit } from "@/lib/receipt-number";
import type { SubscribeState } from "@/lib/action-state";
import { subscribeAction, unsubscribeAction } from "./subscribe-actions";

/** "Tell me when it posts" through the resident's real action; only the request plumbing is replaced. */
const request = vi.hoisted(() => ({ address: "198.51.100.1", set: [] as { name: string; value: string; options: { path?: string } }[] }));
vi.mock("next/headers", () => ({
  // The HTTP server (scripts/http-server.mjs) writes the connection's address here; without a trusted proxy it is the client.
  headers: () => Promise.resolve(new Headers({ "x-paystatus-socket-address": request.address, "accept-language": "en" })),
  cookies: () =>
    Promise.resolve({
      get: () => undefined,
      set: (name: string, value: string, options: { path?: string }) => request.set.push({ name, value, options }),
    }),
}));

const { handle } = setupTestDatabase();
const initial: SubscribeState = { value: "" };

let n = 0;
async function pendingReceipt() {
  const receiptNo = withLuhnDigit(`2026770${String(++n).padStart(4, "0")}${databaseKind() === "postgres" ? "1111" : "2222"}`);
  const [r] = await handle().db.insert(receipts).values({ receiptNo, service: "hukou", payerName: "测试", amountDueFen: 2500, amountPaidFen: 2500, channel: "wechat", paidAt: new Date(), billingStatus: "paid" }).returning({ id: receipts.id });
  return { id: r!.id, receiptNo, token: receiptToken(env().RECEIPT_LINK_SECRET, receiptNo) };
}

function form(values: Record<string, string>) {
  const data = new FormData();
  for (const [k, v] of Object.entries(values)) data.set(k, v);
  return data;
}

const subscriptionsOf = (receiptId: number) => handle().db.select().from(postingSubscriptions).where(eq(postingSubscriptions.receiptId, receiptId));

describe(`subscribeAction on ${databaseKind()}`, () => {
  it("subscribes, remembers it in a cookie without the contact, and goes back to the page", async () => {
    const r = await pendingReceipt();
    request.address = `203.0.113.${randomBytes(1)[0]}`;
    request.set = [];
    await expect(subscribeAction(initial, form({ receipt: r.receiptNo, t: r.token, notify_contact: " Resident@Example.COM " }))).rejects.toMatchObject({ digest: expect.stringContaining(`/r/${r.receiptNo}?t=`) as unknown });
    const [s] = await subscriptionsOf(r.id);
    expect(s).toMatchObject({ contact: "Resident@example.com", locale: "en" });
    expect(request.set).toHaveLength(1);
    expect(request.set[0]).toMatchObject({ name: "ps_sub", options: { path: `/r/${r.receiptNo}` } });
    expect(request.set[0]!.value).not.toMatch(/resident|example/i);
  });

  it.each([
    ["no contact", { notify_contact: "" }, "required"],
    ["a landline", { notify_contact: "010-12345678" }, "invalid"],
    ["no access to the receipt", { t: "x".repeat(22), notify_contact: "13800138000" }, "not_allowed"],
    ["a malformed receipt number", { receipt: "12345", notify_contact: "13800138000" }, "not_allowed"],
  ])("refuses %s with a clear code and stores nothing", async (_name, values, code) => {
    const r = await pendingReceipt();
    request.set = [];
    const state = await subscribeAction(initial, form({ receipt: r.receiptNo, t: r.token, ...values }));
    expect(state.code).toBe(code);
    expect(await subscriptionsOf(r.id)).toHaveLength(0);
    expect(request.set).toHaveLength(0);
  });

  it("limits one client to 10 subscriptions an hour, counted in the database", async () => {
    request.address = "203.0.113.250";
    for (let i = 0; i < 10; i++) {
      const r = await pendingReceipt();
      await expect(subscribeAction(initial, form({ receipt: r.receiptNo, t: r.token, notify_contact: "13800138000" }))).rejects.toBeDefined();
    }
    const r = await pendingReceipt();
    const refused = await subscribeAction(initial, form({ receipt: r.receiptNo, t: r.token, notify_contact: "13800138000" }));
    expect(refused.code).toBe("rate_limited");
    expect(await subscriptionsOf(r.id)).toHaveLength(0);
    const counters = await handle().db.select().from(rateLimits).where(like(rateLimits.key, "subscribe:%"));
    expect(JSON.stringify(counters)).not.toContain("203.0.113");
  });

  it("the unsubscribe link deletes the contact; a forged one deletes nothing", async () => {
    const r = await pendingReceipt();
    request.address = "203.0.113.7";
    await expect(subscribeAction(initial, form({ receipt: r.receiptNo, t: r.token, notify_contact: "13800138000" }))).rejects.toBeDefined();
    const [s] = await subscriptionsOf(r.id);
    const { unsubscribeToken } = await import("@/lib/posting-notice");
    await expect(unsubscribeAction(form({ token: `${s!.id}.${"A".repeat(22)}` }))).rejects.toMatchObject({ digest: expect.stringContaining("/unsubscribe/invalid") as unknown });
    expect(await subscriptionsOf(r.id)).toHaveLength(1);
    await expect(unsubscribeAction(form({ token: unsubscribeToken(env().AUTH_SECRET, s!.id) }))).rejects.toMatchObject({ digest: expect.stringContaining("?done=1") as unknown });
    expect(await subscriptionsOf(r.id)).toHaveLength(0);
  });
});
