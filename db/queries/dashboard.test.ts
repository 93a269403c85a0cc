import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { TicketCategory, TicketQueue, TicketStatus } from "@/lib/routing";
import { databaseKind, setupTestDatabase } from "@/db/testing/test-db";
import { tickets } from "../schema";
import { openDatabase } from "../client";
import { lookupDaily } from "../schema";
import { dashboard } from "./dashboard";
import { countLookup, flushLookupCounts } from "./lookup-stats";
import type { StaffPrincipal } from "./staff-auth";

const { handle } = setupTestDatabase();

const TZ = "Asia/Shanghai";
// Wednesday 18 November 2026, 12:00 in Shanghai; the week starts on Monday the 16th.
const NOW = new Date("2026-11-18T04:00:00Z");
const principal = (role: StaffPrincipal["role"]): StaffPrincipal => ({ id: 1, email: "x@paystatus.test", name: "", role, queues: ["finance"], isDemo: false, sessionVersion: 1 });

type TicketSeed = {
  queue: TicketQueue;
  status: TicketStatus;
  category?: TicketCategory;
  paymentStatus?: string;
  createdAt: string;
  dueAt?: string;
  pausedAt?: string;
  resolvedAt?: string;
  rating?: number;
};

async function seedTicket(t: TicketSeed) {
  await handle()
    .db.insert(tickets)
    .values({
      ref: `T-${randomBytes(4).toString("hex").toUpperCase()}`,
      receiptNo: null,
      category: t.category ?? "other",
      status: t.status,
      queue: t.queue,
      paymentStatus: t.paymentStatus ?? "overdue",
      description: "test",
      payerContact: "13800000000",
      trackingTokenHash: randomBytes(16).toString("hex"),
      createdAt: new Date(t.createdAt),
      dueAt: t.dueAt ? new Date(t.dueAt) : null,
      pausedAt: t.pausedAt ? new Date(t.pausedAt) : null,
      resolvedAt: t.resolvedAt ? new Date(t.resolvedAt) : null,
      rating: t.rating ?? null,
    });
}

describe(`dashboard on ${databaseKind()}`, () => {
  it("refuses agents in the data layer", async () => {
    await expect(dashboard(principal("agent"), { now: NOW, timeZone: TZ })).rejects.toMatchObject({ code: "forbidden" });
  });

  it("adds up backlog, breaches, causes, resolution times, ratings and lookups", async () => {
    // Backlog: two open finance tickets, one overdue; a paused overdue one is not a breach; resolved ones are not backlog.
    await seedTicket({ queue: "finance", status: "open", category: "wrong_amount", paymentStatus: "amount_mismatch", createdAt: "2026-11-17T02:00:00Z", dueAt: "2026-11-17T10:00:00Z" });
    await seedTicket({ queue: "finance", status: "open", category: "wrong_amount", paymentStatus: "amount_mismatch", createdAt: "2026-11-18T01:00:00Z", dueAt: "2026-11-20T10:00:00Z" });
    await seedTicket({ queue: "data_entry", status: "waiting_on_payer", createdAt: "2026-11-16T01:00:00Z", dueAt: "2026-11-17T01:00:00Z", pausedAt: "2026-11-16T05:00:00Z" });
    // Resolved last week (Monday 9th), 2 h and 6 h after opening; the second one late. Created at 23:30 Shanghai on Sunday the 8th → week of the 2nd.
    await seedTicket({ queue: "refunds", status: "resolved", category: "duplicate_charge", paymentStatus: "duplicate", createdAt: "2026-11-08T15:30:00Z", resolvedAt: "2026-11-08T17:30:00Z", dueAt: "2026-11-10T00:00:00Z", rating: 5 });
    await seedTicket({ queue: "refunds", status: "closed", category: "duplicate_charge", paymentStatus: "duplicate", createdAt: "2026-11-09T02:00:00Z", resolvedAt: "2026-11-09T08:00:00Z", dueAt: "2026-11-09T04:00:00Z", rating: 2 });
    // Long ago: outside every window.
    await seedTicket({ queue: "records", status: "closed", category: "info_change", createdAt: "2026-01-05T02:00:00Z", resolvedAt: "2026-01-06T02:00:00Z", rating: 1 });

    // Lookups today: 3 found, 1 from a QR code, 2 without a match; yesterday 1 found. 16:30 UTC on the 17th is the 18th in Shanghai.
    for (const outcome of ["found", "found", "found", "qr", "no_match", "no_match"] as const) countLookup(outcome, TZ, NOW);
    countLookup("found", TZ, new Date("2026-11-17T15:00:00Z"));
    countLookup("found", TZ, new Date("2026-11-17T16:30:00Z"));

    const d = await dashboard(principal("supervisor"), { now: NOW, timeZone: TZ, days: 3, weeks: 3 });

    expect(d.backlog.find((b) => b.queue === "finance")).toEqual({ queue: "finance", open: 2, waitingOnPayer: 0, waitingOnSettlement: 0, breached: 1 });
    expect(d.backlog.find((b) => b.queue === "data_entry")).toMatchObject({ waitingOnPayer: 1, breached: 0 });
    expect(d.backlog.find((b) => b.queue === "refunds")).toMatchObject({ open: 0, breached: 0 });
    expect(d.backlog).toHaveLength(6);

    expect(d.weeks).toEqual(["2026-11-02", "2026-11-09", "2026-11-16"]);
    expect(d.byCategory.wrong_amount).toEqual([0, 0, 2]);
    expect(d.byCategory.duplicate_charge).toEqual([1, 1, 0]);
    expect(d.byCategory.info_change).toEqual([0, 0, 0]);
    expect(d.byPaymentStatus.amount_mismatch).toEqual([0, 0, 2]);
    expect(d.byPaymentStatus.duplicate).toEqual([1, 1, 0]);

    // Both resolved on Monday the 9th in Shanghai (01:30 and 16:00).
    expect(d.resolved).toEqual([0, 2, 0]);
    expect(d.resolvedLate).toEqual([0, 1, 0]);
    expect(d.medianHours).toEqual([null, 4, null]);
    expect(d.ratings).toEqual({ counts: [0, 1, 0, 0, 1], average: 3.5 });

    expect(d.days).toEqual(["2026-11-16", "2026-11-17", "2026-11-18"]);
    expect(d.lookups.found).toEqual([0, 1, 4]);
    expect(d.lookups.qr).toEqual([0, 0, 1]);
    expect(d.lookups.noMatch).toEqual([0, 0, 2]);
    expect(d.lookups.tickets).toEqual([1, 1, 1]);
    expect(d.lookups.withoutTicket).toEqual([0, 0, 4]);
  });
});

describe("lookup counting", () => {
  const counts = async () =>
    (await handle().db.select().from(lookupDaily)).map((r) => `${r.day} ${r.outcome} ${r.count}`).sort();

  it("adds the counts gathered in the process to what the database holds, and keeps them when a write fails", async () => {
    await handle().db.delete(lookupDaily);
    await handle().db.insert(lookupDaily).values({ day: "2026-11-18", outcome: "qr", count: 10 });
    for (let i = 0; i < 3; i++) countLookup("qr", TZ, NOW);
    countLookup("no_match", TZ, NOW);
    expect(await counts()).toEqual(["2026-11-18 qr 10"]);

    // The database is gone for this write: nothing is lost, the counts wait for the next one.
    const closed = openDatabase({ pgliteDir: "memory://" });
    await closed.close();
    await flushLookupCounts(closed.db);
    countLookup("qr", TZ, NOW);
    await flushLookupCounts();
    expect(await counts()).toEqual(["2026-11-18 no_match 1", "2026-11-18 qr 14"]);

    // Nothing pending: a flush writes nothing twice.
    await flushLookupCounts();
    expect(await counts()).toEqual(["2026-11-18 no_match 1", "2026-11-18 qr 14"]);
  });
});
