import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import { describe, expect, it, vi } from "vitest";
import { corrections, receipts, tickets } from "@/db/schema";
import { createStaff } from "@/db/queries/staff-accounts";
import { setupTestDatabase } from "@/db/testing/test-db";
import { withLuhnDigit } from "@/lib/receipt-number";
import { redirectOf } from "@/app/testing";

/**
 * The correction actions through the real staff wrapper and data layer (only
 * the Auth.js session reader is replaced, as in app/staff/server-actions.test.ts):
 * the role check, then the maker-checker rule, each answered with a redirect
 * carrying a code the page translates.
 */
const session = vi.hoisted(() => ({ current: null as null | { user: { id: string }; sessionVersion: number; expires: string } }));
vi.mock("@/auth", () => ({ auth: () => Promise.resolve(session.current), signIn: () => Promise.reject(new Error("unused")), signOut: () => Promise.resolve(undefined) }));
vi.mock("next/headers", () => ({
  headers: () => Promise.resolve(new Headers()),
  cookies: () => Promise.resolve({ get: () => undefined, getAll: () => [], has: () => false, set: () => undefined, delete: () => undefined }),
}));
vi.mock("next/cache", () => ({ revalidatePath: () => undefined, revalidateTag: () => undefined }));

const { handle } = setupTestDatabase();

async function member(role: "agent" | "supervisor" | "admin", queues: string[] = []) {
  const { id } = await createStaff("cli", { email: `act-${randomBytes(4).toString("hex")}@paystatus.test`, role, queues, password: null });
  return id;
}
const signInAs = (id: number) => {
  session.current = { user: { id: String(id) }, sessionVersion: 1, expires: new Date(Date.now() + 3600_000).toISOString() };
};
const form = (fields: Record<string, string>) => {
  const f = new FormData();
  for (const [k, v] of Object.entries(fields)) f.set(k, v);
  return f;
};
/** Where a successful action sent the browser. */

describe("correction actions", () => {
  it("refuse roles without them before reading the input", async () => {
    const { prepareCorrectionAction, decideCorrectionAction } = await import("./actions");
    const { runImportAction } = await import("../imports/actions");
    const { declareIncidentAction, endIncidentAction } = await import("../incidents/actions");
    signInAs(await member("admin"));
    expect(await prepareCorrectionAction(undefined, new FormData())).toEqual({ ok: false, code: "forbidden" });
    expect(await decideCorrectionAction(undefined, new FormData())).toEqual({ ok: false, code: "forbidden" });
    signInAs(await member("agent", ["refunds"]));
    expect(await runImportAction(undefined, new FormData())).toEqual({ ok: false, code: "forbidden" });
    expect(await declareIncidentAction(undefined, new FormData())).toEqual({ ok: false, code: "forbidden" });
    expect(await endIncidentAction(undefined, form({ id: "1" }))).toEqual({ ok: false, code: "forbidden" });
  });

  it("prepare with one person, refuse the same person's approval, apply another's", async () => {
    const { prepareCorrectionAction, decideCorrectionAction } = await import("./actions");
    const receiptNo = withLuhnDigit("202695000000001");
    const [r] = await handle()
      .db.insert(receipts)
      .values({ receiptNo, service: "hukou", payerName: "张三", amountDueFen: 2500, amountPaidFen: 2500, channel: "wechat", paidAt: new Date("2026-11-10T02:00:00Z"), billingStatus: "paid" })
      .returning({ id: receipts.id });
    const ref = "T-ACTN-2345";
    await handle().db.insert(tickets).values({
      ref, receiptNo, receiptId: r!.id, category: "duplicate_charge", status: "open", queue: "refunds", paymentStatus: "duplicate",
      description: "x", payerContact: "13800138000", trackingTokenHash: randomBytes(16).toString("hex"),
    });
    const clerk = await member("agent", ["refunds"]);
    signInAs(clerk);
    const invalid = await prepareCorrectionAction(undefined, form({ ticket: ref, kind: "refund", amount: "1.234", reason: "", payeeAccount: "6222" }));
    expect(invalid).toMatchObject({ ok: false, code: "invalid" });
    expect(Object.keys((invalid as { fieldErrors?: object }).fieldErrors ?? {}).sort()).toEqual(["amount", "reason"]);
    const prepared = await redirectOf(prepareCorrectionAction(undefined, form({ ticket: ref, kind: "refund", amount: "25", reason: "重复缴费", payeeAccount: "6222021234567890123" })));
    expect(prepared).toMatch(/^\/staff\/corrections\/\d+\?done=prepared$/);
    const id = prepared.split("/")[3]!.split("?")[0]!;

    expect(await redirectOf(decideCorrectionAction(undefined, form({ id, version: "1", decision: "approve" })))).toBe(`/staff/corrections/${id}?error=own_correction`);
    signInAs(await member("supervisor"));
    expect(await redirectOf(decideCorrectionAction(undefined, form({ id, version: "1", decision: "approve", note: "ok" })))).toBe(`/staff/corrections/${id}?done=approved`);
    expect(await redirectOf(decideCorrectionAction(undefined, form({ id, version: "1", decision: "reject" })))).toBe(`/staff/corrections/${id}?error=stale`);
    const [row] = await handle().db.select({ status: corrections.status }).from(corrections).where(eq(corrections.id, Number(id)));
    expect(row!.status).toBe("approved");
    const [receipt] = await handle().db.select({ billingStatus: receipts.billingStatus }).from(receipts).where(eq(receipts.id, r!.id));
    expect(receipt!.billingStatus).toBe("refund_pending");
  });
});
