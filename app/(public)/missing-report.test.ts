import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import sharp from "sharp";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { holderSecretForReceipt, ticketForHolder } from "@/db/queries/tickets";
import { ticketEvents, tickets } from "@/db/schema";
import { DEMO_RECEIPT_NUMBERS as demo } from "@/db/seed/demo-receipts";
import { seedDemo } from "@/db/seed/demo";
import { databaseKind, setupTestDatabase } from "@/db/testing/test-db";
import { env } from "@/lib/env";
import { receiptToken } from "@/lib/receipt-link";
import { withLuhnDigit } from "@/lib/receipt-number";
import type { TicketFormState } from "@/lib/action-state";
import { openTicketAction, reportMissingReceiptAction } from "./ticket-actions";

/**
 * Issue 18 through the real server actions: the lookup's "still can't find it?" report (anyone, no access)
 * and proofs kept across a form error. Only the request plumbing (headers, cookies) is replaced.
 */
const jar = vi.hoisted(() => new Map<string, string>());
vi.mock("next/headers", () => ({
  headers: () => Promise.resolve(new Headers({ "x-forwarded-for": `198.51.100.${Math.floor(Math.random() * 250) + 1}`, host: "pay.example.test" })),
  cookies: () =>
    Promise.resolve({
      get: (name: string) => (jar.has(name) ? { name, value: jar.get(name) } : undefined),
      set: (name: string, value: string) => void jar.set(name, value),
      delete: (name: string) => void jar.delete(name),
    }),
}));

const { handle } = setupTestDatabase();
let png: Buffer;
beforeAll(async () => {
  await seedDemo(handle().db, { timeZone: "Asia/Shanghai" });
  png = await sharp({ create: { width: 8, height: 8, channels: 3, background: "#fff" } }).png().toBuffer();
});

const initial: TicketFormState = { values: { category: "", description: "", contact: "" } };
type Outcome = { state?: TicketFormState; redirectedTo?: string };
async function run(action: typeof openTicketAction, data: FormData): Promise<Outcome> {
  try {
    return { state: await action(initial, data) };
  } catch (error) {
    const digest = (error as { digest?: string }).digest ?? "";
    if (!digest.startsWith("NEXT_REDIRECT")) throw error;
    return { redirectedTo: digest.split(";")[2] };
  }
}
function form(receiptNo: string, fields: Record<string, string>, withProof: boolean, key = randomBytes(12).toString("hex")): FormData {
  const data = new FormData();
  data.set("receipt", receiptNo);
  data.set("description", "2026 年 11 月 3 日手机银行缴纳 25.00 元");
  data.set("contact", "13800138000");
  data.set("idempotency_key", key);
  for (const [k, v] of Object.entries(fields)) data.set(k, v);
  if (withProof) data.append("proof", new File([new Uint8Array(png)], "bank-sms.png", { type: "image/png" }));
  return data;
}

describe(`the missing-record report on ${databaseKind()}`, () => {
  it.each([
    ["a receipt the billing system has not sent", () => withLuhnDigit("202698000000123")],
    ["an existing, posted receipt (a wrong amount at lookup)", () => demo.posted.receiptNo],
  ])("%s: routed as not_found with proof → data_entry, joined to no record and to no other ticket", async (_name, receipt) => {
    const receiptNo = receipt();
    const asked = await run(reportMissingReceiptAction, form(receiptNo, { category: "invoice_missing" }, false));
    expect(asked.state).toMatchObject({ code: "needs_proof", fieldErrors: { proof: "needsProof" } });

    const first = await run(reportMissingReceiptAction, form(receiptNo, {}, true));
    const firstSecret = jar.get("ps_track");
    const second = await run(reportMissingReceiptAction, form(receiptNo, {}, true));
    for (const outcome of [first, second]) expect(outcome.redirectedTo).toMatch(/^\/t\/T-/);
    expect(first.redirectedTo).not.toBe(second.redirectedTo);
    const ref = first.redirectedTo!.slice(3);
    const [row] = await handle().db.select().from(tickets).where(eq(tickets.ref, ref));
    expect(row).toMatchObject({ queue: "data_entry", category: "not_posted", paymentStatus: "not_found", receiptNo: null, receiptId: null });
    expect(row!.description).toContain(receiptNo);
    const ticket = await ticketForHolder(ref, firstSecret);
    expect(ticket?.receipt).toBeNull();
    expect(ticket?.events[0]?.attachments).toHaveLength(1);
    // Not listed, and not reopenable, from the receipt's status page: the reporter proved nothing.
    expect(await holderSecretForReceipt(receiptNo, ref)).toBeNull();
  });
});

describe(`proofs kept across a form error on ${databaseKind()}`, () => {
  it("keeps the proof of a form with a bad contact and uses it when the corrected form comes without files", async () => {
    const receiptNo = demo.unpaid.receiptNo;
    const key = randomBytes(12).toString("hex");
    const t = receiptToken(env().RECEIPT_LINK_SECRET, receiptNo);
    const bad = await run(openTicketAction, form(receiptNo, { t, category: "other", contact: "1380013" }, true, key));
    expect(bad.state).toMatchObject({ code: "invalid", fieldErrors: { contact: "contactInvalid" }, keptProofs: 1, formKey: key });

    const again = await run(openTicketAction, form(receiptNo, { t, category: "other", description: "" }, false, key));
    expect(again.state).toMatchObject({ code: "invalid", keptProofs: 1 });

    const good = await run(openTicketAction, form(receiptNo, { t, category: "other" }, false, key));
    expect(good.redirectedTo).toMatch(/^\/t\/T-/);
    const ref = good.redirectedTo!.slice(3);
    const ticket = await ticketForHolder(ref, jar.get("ps_track"));
    expect(ticket?.queue).toBe("data_entry");
    expect(ticket?.events[0]?.attachments).toHaveLength(1);
    // The recovery path hands the same secret to someone who proved access to the receipt.
    expect(await holderSecretForReceipt(receiptNo, ref)).toBe(jar.get("ps_track"));
    const created = await handle().db.select().from(ticketEvents).where(eq(ticketEvents.ticketId, ticket!.id));
    expect(created.map((e) => e.kind)).toContain("created");
  });
});
