import { randomBytes } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { auditEvents, receipts, settlementBatches, settlementLines, tickets } from "@/db/schema";
import { issueApiToken } from "@/db/queries/api-tokens";
import { createStaff, setStaffDisabled } from "@/db/queries/staff-accounts";
import { databaseKind, setupTestDatabase } from "@/db/testing/test-db";
import { newTicketRef } from "@/lib/tickets";
import { POST as pushReceipts } from "./receipts/route";
import { GET as receiptStatus } from "./receipts/[no]/status/route";
import { GET as getTicket } from "./tickets/[ref]/route";
import { GET as listTickets } from "./tickets/route";

const { handle } = setupTestDatabase();

async function tokenFor(role: "agent" | "supervisor" | "admin", queues: string[] = []) {
  const email = `api-${role}-${randomBytes(4).toString("hex")}@paystatus.test`;
  const { id } = await createStaff("cli", { email, role, queues, password: null });
  const { token, tokenId } = await issueApiToken(email);
  return { id, tokenId, auth: `Bearer ${token}` };
}

async function seedTicket(queue: "finance" | "refunds" | "bank_liaison", status: "open" | "resolved" = "open", receiptNo = `9${randomBytes(6).readUIntBE(0, 6)}`) {
  const ref = newTicketRef();
  await handle()
    .db.insert(tickets)
    .values({ ref, receiptNo, category: "other", status, queue, paymentStatus: "overdue", description: "secret description", payerContact: "13800000000", trackingTokenHash: randomBytes(16).toString("hex"), dueAt: new Date("2026-11-20T02:00:00Z") });
  return ref;
}

const headers = (auth?: string, extra: Record<string, string> = {}) => ({ ...(auth ? { authorization: auth } : {}), ...extra });
const ticket = (ref: string, auth?: string) => getTicket(new Request(`http://localhost/api/v1/tickets/${ref}`, { headers: headers(auth) }), { params: Promise.resolve({ ref }) });
const list = (query: string, auth?: string) => listTickets(new Request(`http://localhost/api/v1/tickets?${query}`, { headers: headers(auth) }));
const push = (body: unknown, auth?: string, contentType = "application/json") =>
  pushReceipts(new Request("http://localhost/api/v1/receipts", { method: "POST", headers: headers(auth, { "content-type": contentType }), body: typeof body === "string" ? body : JSON.stringify(body) }));

// Valid Luhn receipt numbers no other test uses.
const NO_A = "2026119000000012";
const NO_B = "2026119000000020";
const NO_C = "2026119000000038";
const receiptBody = (receiptNo: string, over: Record<string, unknown> = {}) => ({
  receipt_no: receiptNo,
  service: "tax",
  payer_name: "钱多多",
  payer_phone: "13911112222",
  amount_due_fen: 9900,
  amount_paid_fen: null,
  channel: "online_bank",
  paid_at: null,
  bank_ref: null,
  billing_status: "unpaid",
  ...over,
});

describe(`integration API authentication on ${databaseKind()}`, () => {
  it("answers 401 without a token, with a bad one, and once the staff member is disabled", async () => {
    const ref = await seedTicket("finance");
    const supervisor = await tokenFor("supervisor");
    for (const call of [() => ticket(ref), () => ticket(ref, "Bearer pst_not-a-real-token-at-all"), () => list(""), () => push(receiptBody(NO_A))]) {
      const response = await call();
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({ error: "unauthorized" });
    }
    expect((await ticket(ref, supervisor.auth)).status).toBe(200);
    await setStaffDisabled("cli", supervisor.id, true);
    expect((await ticket(ref, supervisor.auth)).status).toBe(401);
    expect((await list("", supervisor.auth)).status).toBe(401);
  });
});

describe(`GET /api/v1/tickets on ${databaseKind()}`, () => {
  it("returns a ticket's routing facts and nothing personal", async () => {
    const ref = await seedTicket("finance", "open", "2026110000000011");
    const { auth } = await tokenFor("supervisor");
    const response = await ticket(ref.toLowerCase(), auth);
    expect(response.status).toBe(200);
    const body: unknown = await response.json();
    expect(body).toEqual({ ref, status: "open", queue: "finance", category: "other", receipt_no: "2026110000000011", priority: 2, due_at: "2026-11-20T02:00:00.000Z" });
    expect(JSON.stringify(body)).not.toMatch(/13800000000|secret description/);
    expect((await ticket("T-2222-2222", auth)).status).toBe(404);
    expect((await ticket("../../etc", auth)).status).toBe(404);
  });

  it("keeps an agent's token to the agent's queues", async () => {
    const own = await seedTicket("bank_liaison");
    const other = await seedTicket("refunds");
    const agent = await tokenFor("agent", ["bank_liaison"]);
    expect((await ticket(own, agent.auth)).status).toBe(200);
    const outside = await ticket(other, agent.auth);
    expect(outside.status).toBe(404);
    expect(await outside.json()).toEqual({ error: "not_found" });

    expect((await list("queue=refunds", agent.auth)).status).toBe(403);
    const mine = (await (await list("limit=200", agent.auth)).json()) as { tickets: { ref: string; queue: string }[] };
    expect(mine.tickets.map((t) => t.ref)).toContain(own);
    expect(new Set(mine.tickets.map((t) => t.queue))).toEqual(new Set(["bank_liaison"]));

    const none = await tokenFor("agent", []);
    expect(await (await list("", none.auth)).json()).toEqual({ tickets: [], next_cursor: null });
  });

  it("filters by queue and status and pages with a cursor", async () => {
    const { auth } = await tokenFor("admin");
    const refs = [await seedTicket("refunds"), await seedTicket("refunds"), await seedTicket("refunds"), await seedTicket("refunds", "resolved")];
    const seen: string[] = [];
    let cursor = "";
    for (let page = 0; page < 10; page++) {
      const response = await list(`queue=refunds&status=open&limit=2${cursor ? `&cursor=${cursor}` : ""}`, auth);
      expect(response.status).toBe(200);
      const body = (await response.json()) as { tickets: { ref: string; status: string }[]; next_cursor: string | null };
      expect(body.tickets.length).toBeLessThanOrEqual(2);
      seen.push(...body.tickets.map((t) => t.ref));
      if (!body.next_cursor) break;
      cursor = body.next_cursor;
    }
    expect(seen).toEqual(expect.arrayContaining(refs.slice(0, 3)));
    expect(seen).not.toContain(refs[3]);
    expect(new Set(seen).size).toBe(seen.length);
  });

  it("refuses an invalid query with the fields at fault", async () => {
    const { auth } = await tokenFor("admin");
    const response = await list("status=lost&limit=0&cursor=abc", auth);
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: string; errors: { field: string }[] };
    expect(body.error).toBe("invalid_request");
    expect(body.errors.map((e) => e.field).sort()).toEqual(["cursor", "limit", "status"]);
  });
});

describe(`POST /api/v1/receipts on ${databaseKind()}`, () => {
  const countOf = async (no: string) => (await handle().db.select({ id: receipts.id }).from(receipts).where(eq(receipts.receiptNo, no))).length;

  it("is for admin tokens only", async () => {
    for (const role of ["agent", "supervisor"] as const) {
      const { auth } = await tokenFor(role, ["bank_liaison"]);
      const response = await push(receiptBody(NO_A), auth);
      expect(response.status).toBe(403);
      expect(await response.json()).toEqual({ error: "forbidden" });
    }
    expect(await countOf(NO_A)).toBe(0);
  });

  it("validates the body and changes nothing when any receipt is invalid", async () => {
    const { auth } = await tokenFor("admin");
    expect((await push("{not json", auth)).status).toBe(400);
    expect((await push(receiptBody(NO_A), auth, "text/csv")).status).toBe(415);
    const invalid = await push({ receipts: [receiptBody(NO_A), receiptBody(NO_B, { amount_due_fen: "99.00", payer_name: "" })] }, auth);
    expect(invalid.status).toBe(400);
    const body = (await invalid.json()) as { error: string; errors: { index: number; field: string; code: string }[] };
    expect(body.error).toBe("invalid_request");
    expect(body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ index: 1, field: "amount_due_fen" }), expect.objectContaining({ index: 1, field: "payer_name" })]));
    const unknown = await push({ receipts: [receiptBody(NO_A), receiptBody(NO_B, { channel: "carrier_pigeon" })] }, auth);
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toEqual({ error: "invalid_request", errors: [{ index: 1, field: "channel", code: "unknown" }] });
    expect(await countOf(NO_A)).toBe(0);
    expect((await push("x".repeat(1_000_001), auth)).status).toBe(413);
  });

  it("is idempotent on receipt_no, moves a receipt forward but never back, and is audited", async () => {
    const admin = await tokenFor("admin");
    const first = await push(receiptBody(NO_B), admin.auth);
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ results: [{ receipt_no: NO_B, outcome: "inserted" }] });
    expect(await (await push(receiptBody(NO_B), admin.auth)).json()).toEqual({ results: [{ receipt_no: NO_B, outcome: "unchanged" }] });
    const paid = receiptBody(NO_B, { amount_paid_fen: 9900, paid_at: "2026-11-02T10:00:00+08:00", billing_status: "paid", bank_ref: "OB-PUSH-1" });
    expect(await (await push({ receipts: [paid, receiptBody(NO_C)] }, admin.auth)).json()).toEqual({
      results: [
        { receipt_no: NO_B, outcome: "updated" },
        { receipt_no: NO_C, outcome: "inserted" },
      ],
    });
    expect(await (await push(receiptBody(NO_B), admin.auth)).json()).toEqual({ results: [{ receipt_no: NO_B, outcome: "stale" }] });
    expect(await countOf(NO_B)).toBe(1);
    const [row] = await handle().db.select().from(receipts).where(eq(receipts.receiptNo, NO_B));
    expect(row).toMatchObject({ billingStatus: "paid", bankRef: "OB-PUSH-1" });

    const events = await handle().db.select().from(auditEvents).where(and(eq(auditEvents.action, "receipts.push"), eq(auditEvents.actor, `api:${admin.tokenId}`)));
    expect(events).toHaveLength(4);
    expect(events.map((e) => e.detail)).toContainEqual({ staffId: admin.id, count: 2, inserted: 1, updated: 1, unchanged: 0, stale: 0 });
    expect(JSON.stringify(events)).not.toMatch(/钱多多|13911112222/);
  });

  it("matches a settlement line that arrived before its receipt", async () => {
    const admin = await tokenFor("admin");
    const [batch] = await handle().db.insert(settlementBatches).values({ fileHash: randomBytes(16).toString("hex"), fileName: "early.csv", format: "csv" }).returning();
    await handle().db.insert(settlementLines).values({ batchId: batch!.id, lineKey: randomBytes(16).toString("hex"), bankRef: "OB-EARLY-1", amountFen: 4200, valueDate: "2026-11-03", channel: "online_bank" });
    const no = "2026119000000046";
    const response = await push(receiptBody(no, { amount_due_fen: 4200, amount_paid_fen: 4200, paid_at: "2026-11-02T10:00:00+08:00", billing_status: "paid", bank_ref: "OB-EARLY-1" }), admin.auth);
    expect(response.status).toBe(200);
    const status = await receiptStatus(new Request(`http://localhost/api/v1/receipts/${no}/status`, { headers: { authorization: admin.auth } }), { params: Promise.resolve({ no }) });
    expect(await status.json()).toMatchObject({ code: "posted", amounts: { settled_fen: 4200 } });
  });
});
