import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { DEMO_RECEIPT_NUMBERS as demo } from "../seed/demo-receipts";
import { seedDemo } from "../seed/demo";
import { outbox, storedFiles, tickets } from "../schema";
import { databaseKind, setupTestDatabase } from "../testing/test-db";
import { attachmentForHolder, openTicket, rateTicket, residentReply, ticketForHolder } from "./tickets";
import type { VerifiedProof } from "@/lib/uploads/verify-proof";

const { handle } = setupTestDatabase();
const TZ = "Asia/Shanghai";
const now = new Date("2026-11-18T10:00:00+08:00");
let key = 0;
const input = (receiptNo: string, category: "not_posted" | "other" | "info_change" = "not_posted", proofs: VerifiedProof[] = []) => ({
  receiptNo,
  category,
  description: "已付款未入账",
  contact: { kind: "email" as const, value: "resident@example.cn" },
  idempotencyKey: `key-${databaseKind()}-${++key}-abcdefghijkl`,
  locale: "zh-CN" as const,
  proofs,
  now,
  timeZone: TZ,
  baseUrl: "https://pay.example.gov.cn",
});
const proof: VerifiedProof = { contentType: "image/png", extension: "png", bytes: Buffer.from("png-bytes"), sha256: "a".repeat(64), originalSha256: "b".repeat(64) };

describe(`tickets on ${databaseKind()}`, () => {
  it("routes by the status derived at submission, and stores ticket, proof and notification together", async () => {
    await seedDemo(handle().db, { now, timeZone: TZ });
    const result = await openTicket(input(demo.overdue.receiptNo));
    expect(result).toMatchObject({ kind: "created", status: "overdue" });
    if (result.kind !== "created") return;
    const [row] = await handle().db.select().from(tickets).where(eq(tickets.ref, result.ref));
    expect(row).toMatchObject({ queue: "bank_liaison", status: "open", paymentStatus: "overdue" });
    expect(row!.trackingTokenHash).not.toContain(result.secret);
    const mails = await handle().db.select().from(outbox).where(eq(outbox.dedupeKey, `ticket_created:${result.ref}`));
    expect(JSON.stringify(mails[0]?.payload)).not.toContain(result.secret);
  });

  it("answers instead of opening a ticket for a posted payment, and asks for proof when nothing is on record", async () => {
    expect(await openTicket(input(demo.posted.receiptNo))).toEqual({ kind: "answer", reason: "posted" });
    expect(await openTicket(input(demo.not_found.receiptNo))).toEqual({ kind: "needs_proof" });
  });

  it("a replayed form returns the same ticket; another form for the same problem finds the open one", async () => {
    const first = input(demo.duplicate.receiptNo, "other");
    const created = await openTicket(first);
    const replayed = await openTicket(first);
    expect(replayed).toMatchObject({ kind: "replayed", ref: (created as { ref: string }).ref });
    expect(await openTicket(input(demo.duplicate.receiptNo, "other"))).toEqual({ kind: "existing", ref: (created as { ref: string }).ref });
    const open = await handle().db.select().from(tickets).where(eq(tickets.receiptNo, demo.duplicate.receiptNo));
    expect(open).toHaveLength(1);
  });

  it("a replay is answered only for the same receipt and category within 10 minutes, and never rotates the owner's secret", async () => {
    const first = input(demo.refund_pending.receiptNo, "other");
    const created = await openTicket(first);
    if (created.kind !== "created") throw new Error("expected a ticket");
    // The same form again: the same ticket and the very same secret (the owner's keeps working).
    expect(await openTicket({ ...first, now: new Date(now.getTime() + 60_000) })).toEqual({ kind: "replayed", ref: created.ref, secret: created.secret, status: created.status });
    expect(await ticketForHolder(created.ref, created.secret)).not.toBeNull();
    // Someone else's key with another receipt, another category, or too late: nothing is handed over.
    expect(await openTicket({ ...first, receiptNo: demo.overdue.receiptNo })).toEqual({ kind: "stale_form" });
    expect(await openTicket({ ...first, category: "info_change" })).toEqual({ kind: "stale_form" });
    expect(await openTicket({ ...first, now: new Date(now.getTime() + 10 * 60_000 + 1) })).toEqual({ kind: "stale_form" });
    expect(await ticketForHolder(created.ref, created.secret)).not.toBeNull();
    const rows = await handle().db.select({ n: tickets.id }).from(tickets).where(eq(tickets.idempotencyKey, first.idempotencyKey));
    expect(rows).toHaveLength(1);
  });

  it("only the holder of the secret sees the ticket, its proofs, and may reply or rate", async () => {
    const created = await openTicket(input(demo.not_found.receiptNo, "not_posted", [proof]));
    if (created.kind !== "created") throw new Error("expected a ticket");
    expect(await ticketForHolder(created.ref, undefined)).toBeNull();
    expect(await ticketForHolder(created.ref, "guess")).toBeNull();
    const ticket = await ticketForHolder(created.ref, created.secret);
    expect(ticket?.queue).toBe("data_entry");
    const attachmentId = ticket!.events[0]!.attachments[0]!.id;
    expect(await attachmentForHolder(created.ref, "guess", attachmentId)).toBeNull();
    expect((await attachmentForHolder(created.ref, created.secret, attachmentId))?.bytes.toString()).toBe("png-bytes");
    expect(await residentReply(created.ref, "guess", "hi", [], now)).toBe("not_allowed");
    expect(await rateTicket(created.ref, "guess", 5, now)).toBe("not_allowed");

    // While staff wait on the resident, the holder's reply and proof land on the timeline.
    await handle().db.update(tickets).set({ status: "waiting_on_payer" }).where(eq(tickets.ref, created.ref));
    expect(await residentReply(created.ref, created.secret, "补充凭证", [proof], now)).toBe("ok");
    const after = await ticketForHolder(created.ref, created.secret);
    expect(after?.status).toBe("open");
    expect(after?.events.at(-1)).toMatchObject({ kind: "resident_reply", body: "补充凭证" });
    expect(after?.events.at(-1)?.attachments).toHaveLength(1);
  });

  it("a refused ticket stores no file", async () => {
    const before = (await handle().db.select({ key: storedFiles.key }).from(storedFiles)).length;
    expect(await openTicket(input(demo.posted.receiptNo, "not_posted", [proof]))).toEqual({ kind: "answer", reason: "posted" });
    expect((await handle().db.select({ key: storedFiles.key }).from(storedFiles)).length).toBe(before);
  });
});
