import { randomBytes } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { databaseKind, setupTestDatabase } from "@/db/testing/test-db";
import { auditEvents, tickets } from "../schema";
import type { StaffPrincipal } from "./staff-auth";
import { recordTicketExport, ticketExportPages, type TicketExportFilters } from "./ticket-export";

const { handle } = setupTestDatabase();
const TZ = "Asia/Shanghai";
const member = (role: StaffPrincipal["role"], id = 7): StaffPrincipal => ({ id, email: "e@paystatus.test", name: "", role, queues: ["finance"], isDemo: false, sessionVersion: 1 });

async function seed(queue: "finance" | "refunds", createdAt: string, description = "text") {
  const ref = `T-${randomBytes(4).toString("hex").toUpperCase()}`;
  await handle()
    .db.insert(tickets)
    .values({ ref, category: "other", status: "open", queue, paymentStatus: "overdue", description, payerContact: "13800000000", trackingTokenHash: randomBytes(16).toString("hex"), createdAt: new Date(createdAt) });
  return ref;
}

async function all(actor: StaffPrincipal, filters: TicketExportFilters, pageSize?: number) {
  const pages: string[][] = [];
  for await (const page of ticketExportPages(actor, filters, { timeZone: TZ, pageSize })) pages.push(page.map((r) => r.ref));
  return pages;
}

describe(`ticket export on ${databaseKind()}`, () => {
  it("refuses agents, to read and to record", async () => {
    await expect(all(member("agent"), {})).rejects.toMatchObject({ code: "forbidden" });
    await expect(recordTicketExport(member("agent"), {})).rejects.toMatchObject({ code: "forbidden" });
  });

  it("reads every matching ticket once, in id order, page by page", async () => {
    const f1 = await seed("finance", "2026-11-02T02:00:00Z", "=cmd|' /C calc'!A0");
    const r1 = await seed("refunds", "2026-11-02T03:00:00Z");
    const f2 = await seed("finance", "2026-11-03T02:00:00Z");
    const f3 = await seed("finance", "2026-11-03T17:00:00Z"); // 4 November in Shanghai
    expect(await all(member("supervisor"), { queue: "finance" }, 2)).toEqual([[f1, f2], [f3]]);
    expect((await all(member("admin"), {}, 100)).flat()).toEqual(expect.arrayContaining([f1, r1, f2, f3]));
    expect((await all(member("admin"), { from: "2026-11-03", to: "2026-11-03" })).flat()).toEqual([f2]);
    expect((await all(member("admin"), { queue: "finance", status: "resolved" })).flat()).toEqual([]);
  });

  it("records who exported what", async () => {
    await recordTicketExport(member("supervisor", 4242), { queue: "refunds", status: undefined });
    const [event] = await handle().db.select().from(auditEvents).where(and(eq(auditEvents.action, "tickets.export"), eq(auditEvents.actor, "staff:4242")));
    expect(event).toMatchObject({ objectType: "ticket", outcome: "ok", detail: { queue: "refunds" } });
  });
});
