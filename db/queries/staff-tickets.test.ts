import { randomBytes } from "node:crypto";
import { and, eq, like } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import type { VerifiedProof } from "@/lib/uploads/verify-proof";
import { DEMO_BATCH_RECEIPTS, DEMO_RECEIPT_NUMBERS as demo } from "../seed/demo-receipts";
import { seedDemo } from "../seed/demo";
import { withLuhnDigit } from "@/lib/receipt-number";
import { auditEvents, matches, outbox, receipts, settlementBatches, settlementLines, ticketEvents, tickets } from "../schema";
import { databaseKind, setupTestDatabase } from "../testing/test-db";
import { createStaff } from "./staff-accounts";
import type { StaffPrincipal } from "./staff";
import { actOnTicket, staffAttachment, staffTicket, type TicketActionInput } from "./staff-tickets";
import { openTicket, residentReply } from "./tickets";

const { handle } = setupTestDatabase();
const TZ = "Asia/Shanghai";
// Monday 23 November 2026, 10:00 in the service zone.
const now = new Date("2026-11-23T10:00:00+08:00");
const baseUrl = "https://pay.example.gov.cn";

async function member(role: StaffPrincipal["role"], queues: string[] = []): Promise<StaffPrincipal> {
  const email = `st-${randomBytes(4).toString("hex")}@paystatus.test`;
  const { id } = await createStaff("cli", { email, role, queues, password: null });
  return { id, email, name: email, role, queues, isDemo: false, sessionVersion: 1 };
}

let key = 0;
async function residentTicket(receiptNo: string, category: "not_posted" | "other" | "wrong_amount" | "locked" = "not_posted") {
  const result = await openTicket({
    receiptNo,
    category,
    description: "已付款未入账",
    contact: { kind: "email", value: "resident@example.cn" },
    idempotencyKey: `st-${databaseKind()}-${++key}-abcdefghijkl`,
    locale: "zh-CN",
    proofs: [],
    now,
    timeZone: TZ,
    baseUrl,
  });
  if (result.kind !== "created") throw new Error(`expected a ticket, got ${result.kind}`);
  return result;
}
const row = async (ref: string) => (await handle().db.select().from(tickets).where(eq(tickets.ref, ref)))[0]!;
const act = (ref: string, version: number, staff: StaffPrincipal, input: TicketActionInput, at = now) => actOnTicket({ ref, version, staff, now: at, baseUrl }, input);

describe(`staff ticket desk on ${databaseKind()}`, () => {
  it("shows a receipt paid by a batch credit with its share (gross, fee, net) and the whole credit", async () => {
    await seedDemo(handle().db, { now, timeZone: TZ });
    const [first, second, third] = DEMO_BATCH_RECEIPTS;
    const ref = `T-BTCH-${randomBytes(2).toString("hex").toUpperCase()}`;
    await handle().db.insert(tickets).values({
      ref, receiptNo: first.receiptNo, category: "other", status: "open", queue: "finance", paymentStatus: "posted",
      description: "x", payerContact: "resident@example.cn", trackingTokenHash: randomBytes(16).toString("hex"),
    });
    const view = await staffTicket(ref, await member("supervisor"), { now, timeZone: TZ });
    expect(view?.lines).toHaveLength(1);
    const [line] = view!.lines;
    const fee = (gross: number) => Math.min(5000, Math.max(1, Math.round((gross * 60) / 10000)));
    expect(line).toMatchObject({ method: "batch", share: { grossFen: first.amountFen, feeFen: fee(first.amountFen) } });
    // the line is the whole credit: the batch's gross minus its fee; the match records both
    const gross = first.amountFen + second.amountFen + third.amountFen;
    expect(line).toMatchObject({ grossFen: gross, amountFen: gross - line!.feeFen });
  });

  it("shows a line matched within the amount tolerance with its difference, and the receipt posted at its amount due", async () => {
    const [r] = await handle()
      .db.insert(receipts)
      .values({ receiptNo: withLuhnDigit("202699000000001"), service: "hukou", payerName: "张三", amountDueFen: 5300, amountPaidFen: 5300, channel: "wechat", paidAt: new Date("2026-11-10T10:00:00+08:00"), billingStatus: "paid" })
      .returning({ id: receipts.id, receiptNo: receipts.receiptNo });
    const [batch] = await handle().db.insert(settlementBatches).values({ fileHash: "st-tolerance", fileName: "t", format: "csv" }).returning({ id: settlementBatches.id });
    const [l] = await handle()
      .db.insert(settlementLines)
      .values({ batchId: batch!.id, lineKey: "st-tolerance", channel: "wechat", amountFen: 5297, valueDate: "2026-11-11" })
      .returning({ id: settlementLines.id });
    await handle().db.insert(matches).values({ settlementLineId: l!.id, receiptId: r!.id, method: "amount_date", differenceFen: -3 });
    const ref = `T-TOL-${randomBytes(2).toString("hex").toUpperCase()}`;
    await handle().db.insert(tickets).values({
      ref, receiptNo: r!.receiptNo, category: "not_posted", status: "open", queue: "finance", paymentStatus: "pending",
      description: "x", payerContact: "resident@example.cn", trackingTokenHash: randomBytes(16).toString("hex"),
    });
    const view = await staffTicket(ref, await member("supervisor"), { now, timeZone: TZ });
    expect(view?.lines).toEqual([expect.objectContaining({ id: l!.id, amountFen: 5297, grossFen: 5297, feeFen: 0, differenceFen: -3 })]);
    expect(view?.status).toMatchObject({ code: "posted", amountFen: 5300 });
  });

  it("shows the resident's details unmasked to staff of the queue, one audit event per view; others get nothing", async () => {
    await seedDemo(handle().db, { now, timeZone: TZ });
    const created = await residentTicket(demo.overdue.receiptNo);
    const agent = await member("agent", ["bank_liaison"]);
    const view = await staffTicket(created.ref, agent, { now, timeZone: TZ });
    expect(view?.ticket).toMatchObject({ queue: "bank_liaison", payerContact: "resident@example.cn" });
    expect(view?.receipt).toMatchObject({ payerName: "赵六", payerPhone: "13800000004", amountDueFen: 123450 });
    expect(view?.status?.code).toBe("overdue");
    expect(view?.events.map((e) => e.kind)).toEqual(["created"]);
    await staffTicket(created.ref, agent, { now, timeZone: TZ });

    const outsider = await member("agent", ["records"]);
    expect(await staffTicket(created.ref, outsider, { now, timeZone: TZ })).toBeNull();
    expect(await staffTicket("T-NONE-NONE", agent, { now, timeZone: TZ })).toBeNull();
    const audits = await handle().db.select().from(auditEvents).where(and(eq(auditEvents.action, "ticket.view"), eq(auditEvents.objectId, created.ref)));
    expect(audits.map((a) => [a.actor, a.outcome])).toEqual([
      [`staff:${agent.id}`, "ok"],
      [`staff:${agent.id}`, "ok"],
      [`staff:${outsider.id}`, "refused"],
    ]);
    expect(await act(created.ref, 1, outsider, { kind: "claim" })).toEqual({ ok: false, code: "not_found" });
  });

  it("serves a proof only to staff of the ticket's queue, each download audited", async () => {
    const proof: VerifiedProof = { contentType: "image/png", extension: "png", bytes: Buffer.from("png-bytes"), sha256: "c".repeat(64), originalSha256: "d".repeat(64) };
    const created = await openTicket({
      receiptNo: demo.not_found.receiptNo,
      category: "other",
      description: "凭证",
      contact: { kind: "phone", value: "13800138000" },
      idempotencyKey: `st-proof-${databaseKind()}-abcdefghijkl`,
      locale: "zh-CN",
      proofs: [proof],
      now,
      timeZone: TZ,
      baseUrl,
    });
    if (created.kind !== "created") throw new Error("expected a ticket");
    const view = await staffTicket(created.ref, await member("supervisor"), { now, timeZone: TZ });
    const attachmentId = view!.attachments[0]!.id;
    const agent = await member("agent", ["data_entry"]);
    const file = await staffAttachment(created.ref, attachmentId, agent);
    expect(file?.bytes.toString()).toBe("png-bytes");
    expect(file?.contentType).toBe("image/png");
    expect(await staffAttachment(created.ref, attachmentId, await member("agent", ["finance"]))).toBeNull();
    expect(await staffAttachment("T-2222-2222", attachmentId, agent)).toBeNull();
    const audits = await handle().db.select().from(auditEvents).where(and(eq(auditEvents.action, "ticket.attachment_download"), eq(auditEvents.objectId, created.ref)));
    expect(audits.map((a) => a.actor)).toEqual([`staff:${agent.id}`]);
  });

  it("claim, ask the resident, resident replies (SLA moves out by the business days paused), reply, resolve, close", async () => {
    const created = await residentTicket(demo.overdue.receiptNo, "other");
    const agent = await member("agent", ["bank_liaison"]);
    const start = await row(created.ref);
    expect(start.dueAt?.toISOString()).toBe(new Date("2026-11-26T00:00:00+08:00").toISOString()); // overdue: 2 business days

    expect(await act(created.ref, 1, agent, { kind: "claim" })).toEqual({ ok: true, ref: created.ref });
    expect(await act(created.ref, 2, agent, { kind: "ask_info", body: "请上传银行回单" })).toMatchObject({ ok: true });
    expect(await row(created.ref)).toMatchObject({ status: "waiting_on_payer", pausedAt: now, assigneeId: agent.id, version: 3 });
    const asked = await handle().db.select().from(outbox).where(eq(outbox.dedupeKey, `info_requested:${created.ref}:v3`));
    expect(asked).toHaveLength(1);

    // Paused Monday 10:00, answered Wednesday 09:00: Monday and Tuesday stood still.
    expect(await residentReply(created.ref, created.secret, "回单已上传", [], new Date("2026-11-25T09:00:00+08:00"))).toBe("ok");
    const resumed = await row(created.ref);
    expect(resumed).toMatchObject({ status: "open", pausedAt: null, version: 4 });
    expect(resumed.dueAt?.toISOString()).toBe(new Date("2026-11-28T00:00:00+08:00").toISOString());

    expect(await act(created.ref, 4, agent, { kind: "reply", body: "已收到，正在核实" })).toMatchObject({ ok: true });
    expect(await act(created.ref, 5, agent, { kind: "note", body: "bank says T+2" })).toMatchObject({ ok: true });
    expect(await act(created.ref, 6, agent, { kind: "resolve" })).toMatchObject({ ok: true });
    expect(await act(created.ref, 7, agent, { kind: "ask_info", body: "again?" })).toEqual({ ok: false, code: "not_allowed" });
    expect(await act(created.ref, 7, agent, { kind: "close" })).toMatchObject({ ok: true });
    expect(await row(created.ref)).toMatchObject({ status: "closed", version: 8 });

    const events = await handle().db.select().from(ticketEvents).where(eq(ticketEvents.ticketId, start.id));
    expect(events.map((e) => [e.kind, e.public])).toEqual([
      ["created", true],
      ["claimed", false],
      ["info_requested", true],
      ["resident_reply", true],
      ["reply", true],
      ["note", false],
      ["resolved", true],
      ["closed", true],
    ]);
    const kinds = await handle().db.select({ key: outbox.dedupeKey }).from(outbox).where(like(outbox.dedupeKey, `%:${created.ref}%`));
    expect(kinds.map((k) => k.key.split(":")[0]).sort()).toEqual(["info_requested", "staff_replied", "ticket_created", "ticket_resolved"]);
  });

  it("refuses a stale version and changes nothing", async () => {
    const created = await residentTicket(demo.overdue.receiptNo, "wrong_amount");
    const agent = await member("agent", ["bank_liaison"]);
    const colleague = await member("agent", ["bank_liaison"]);
    expect(await act(created.ref, 1, agent, { kind: "claim" })).toMatchObject({ ok: true });
    // The colleague's form was rendered at version 1.
    expect(await act(created.ref, 1, colleague, { kind: "resolve" })).toEqual({ ok: false, code: "stale" });
    expect(await row(created.ref)).toMatchObject({ status: "open", assigneeId: agent.id, version: 2 });
    expect(await act(created.ref, 2, colleague, { kind: "claim" })).toEqual({ ok: false, code: "not_allowed" });
  });

  it("assigns to the least-loaded agent of the queue, transfers between queues, and merges a duplicate", async () => {
    const supervisor = await member("supervisor");
    const first = await residentTicket(demo.duplicate.receiptNo, "other");
    const second = await residentTicket(demo.duplicate.receiptNo, "wrong_amount");
    const loaded = await member("agent", ["refunds"]);
    const free = await member("agent", ["refunds"]);
    await act(first.ref, 1, supervisor, { kind: "assign", assigneeId: loaded.id });
    expect(await act(second.ref, 1, supervisor, { kind: "assign", assigneeId: "auto" })).toMatchObject({ ok: true });
    expect((await row(second.ref)).assigneeId).toBe(free.id);
    expect(await act(second.ref, 2, loaded, { kind: "assign", assigneeId: loaded.id })).toEqual({ ok: false, code: "not_allowed" });
    expect(await act(second.ref, 2, supervisor, { kind: "assign", assigneeId: supervisor.id })).toEqual({ ok: false, code: "no_agent" });

    expect(await act(second.ref, 2, supervisor, { kind: "merge", intoRef: second.ref })).toEqual({ ok: false, code: "bad_target" });
    expect(await act(second.ref, 2, supervisor, { kind: "merge", intoRef: first.ref })).toMatchObject({ ok: true });
    const merged = await row(second.ref);
    expect(merged).toMatchObject({ status: "closed", mergedIntoId: (await row(first.ref)).id });
    expect((await row(first.ref)).version).toBe(3);

    expect(await act(first.ref, 3, loaded, { kind: "transfer", queue: "finance" })).toMatchObject({ ok: true });
    expect(await row(first.ref)).toMatchObject({ queue: "finance", assigneeId: null });
    // Out of the agent's queues now.
    expect(await act(first.ref, 4, loaded, { kind: "note", body: "x" })).toEqual({ ok: false, code: "not_found" });
  });
});
