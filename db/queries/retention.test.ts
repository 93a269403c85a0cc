import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import type { VerifiedProof } from "@/lib/uploads/verify-proof";
import { DEMO_RECEIPT_NUMBERS as demo } from "../seed/demo-receipts";
import { seedDemo } from "../seed/demo";
import { auditEvents, outbox, storedFiles, ticketAttachments, ticketEvents, tickets } from "../schema";
import { databaseKind, setupTestDatabase } from "../testing/test-db";
import { purgeExpiredTicketData } from "./retention";
import { openTicket } from "./tickets";

const { handle } = setupTestDatabase();
const TZ = "Asia/Shanghai";
const day = 24 * 60 * 60 * 1000;
const opened = new Date("2026-03-02T10:00:00+08:00");
const proof: VerifiedProof = { contentType: "image/png", extension: "png", bytes: Buffer.from("proof-bytes-of-a-person"), sha256: "c".repeat(64), originalSha256: "d".repeat(64) };
let n = 0;

async function ticketResolvedAt(receiptNo: string, resolvedAt: Date | null, status: "resolved" | "closed" | "open") {
  const created = await openTicket({
    receiptNo,
    category: "other",
    description: "张三 13800138000 说已付款",
    contact: { kind: "email", value: `zhang.san.${++n}@example.cn` },
    idempotencyKey: `retention-${databaseKind()}-${n}-abcdefgh`,
    locale: "zh-CN",
    proofs: [proof],
    now: opened,
    timeZone: TZ,
    baseUrl: "https://pay.example.gov.cn",
  });
  if (created.kind !== "created") throw new Error(`expected a ticket, got ${created.kind}`);
  const [ticket] = await handle().db.select().from(tickets).where(eq(tickets.ref, created.ref));
  await handle().db.insert(ticketEvents).values({ ticketId: ticket!.id, at: opened, actor: "staff", kind: "reply", public: true, body: "您好张三，已为您退款到 6222 0000 1111 2222" });
  await handle().db.update(tickets).set({ status, resolvedAt, updatedAt: resolvedAt ?? opened, rating: 5 }).where(eq(tickets.id, ticket!.id));
  return { ref: created.ref, id: ticket!.id };
}

describe(`personal data retention on ${databaseKind()}`, () => {
  it("erases contact, free text, proofs and notifications of tickets resolved more than RETENTION_DAYS ago, and keeps the facts and the audit trail", async () => {
    await seedDemo(handle().db, { now: opened, timeZone: TZ });
    const now = new Date(opened.getTime() + 400 * day);
    const old = await ticketResolvedAt(demo.overdue.receiptNo, new Date(now.getTime() - 181 * day), "resolved");
    const recent = await ticketResolvedAt(demo.duplicate.receiptNo, new Date(now.getTime() - 179 * day), "resolved");
    const stillOpen = await ticketResolvedAt(demo.refunded.receiptNo, null, "open");
    const before = await handle().db.select().from(tickets).where(eq(tickets.id, old.id));

    expect(await purgeExpiredTicketData(now, 180)).toBe(1);

    const [after] = await handle().db.select().from(tickets).where(eq(tickets.id, old.id));
    // Exactly these change; every other column is as it was.
    expect(after).toEqual({ ...before[0]!, payerContact: "", description: "", idempotencyKey: null });
    const events = await handle().db.select().from(ticketEvents).where(eq(ticketEvents.ticketId, old.id));
    expect(events.map((e) => [e.kind, e.actor, e.body])).toEqual([
      ["created", "resident", null],
      ["reply", "staff", null],
    ]);
    expect(await handle().db.select().from(ticketAttachments).where(eq(ticketAttachments.ticketId, old.id))).toEqual([]);
    expect(await handle().db.select().from(outbox).where(eq(outbox.dedupeKey, `ticket_created:${old.ref}`))).toEqual([]);
    const audit = await handle().db.select().from(auditEvents).where(eq(auditEvents.objectId, old.ref));
    expect(audit.map((a) => a.action)).toEqual(["ticket.create", "ticket.retention_purge"]);

    // Nothing of the person is left anywhere in these tables.
    const everything = JSON.stringify([
      await handle().db.select().from(tickets).where(eq(tickets.id, old.id)),
      events,
      await handle().db.select().from(outbox),
      audit,
    ]);
    expect(everything).not.toContain("zhang.san.1@");
    expect(everything).not.toContain("13800138000");
    expect(everything).not.toContain("6222 0000");
    const files = await handle().db.select({ key: storedFiles.key, content: storedFiles.content }).from(storedFiles);
    expect(files.some((f) => Buffer.from(f.content).toString() === "proof-bytes-of-a-person")).toBe(true); // the recent tickets' proofs
    expect(files).toHaveLength(2);

    // The recent and the open ticket keep everything; a second pass finds nothing more.
    for (const kept of [recent, stillOpen]) {
      const [row] = await handle().db.select().from(tickets).where(eq(tickets.id, kept.id));
      expect(row!.payerContact).toMatch(/^zhang\.san\./);
      expect(await handle().db.select().from(ticketAttachments).where(eq(ticketAttachments.ticketId, kept.id))).toHaveLength(1);
    }
    expect(await purgeExpiredTicketData(now, 180)).toBe(0);
  });
});
