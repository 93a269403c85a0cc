import { randomBytes } from "node:crypto";
import { and, eq, inArray } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import type { TicketQueue, TicketStatus } from "@/lib/routing";
import { ZQueueFilters } from "@/lib/ticket-desk";
import { auditEvents, tickets } from "../schema";
import { databaseKind, setupTestDatabase } from "../testing/test-db";
import { claimNextTicket, leastLoadedAgent, queueCounts, queuePage } from "./queues";
import { createStaff } from "./staff-accounts";
import type { StaffPrincipal } from "./staff";

const { handle } = setupTestDatabase();
const now = new Date("2026-11-24T10:00:00+08:00");
const hours = (h: number) => new Date(now.getTime() + h * 3600_000);

async function member(role: StaffPrincipal["role"], queues: string[] = []): Promise<StaffPrincipal> {
  const email = `q-${randomBytes(4).toString("hex")}@paystatus.test`;
  const { id } = await createStaff("cli", { email, role, queues, password: null });
  return { id, email, name: email, role, queues, isDemo: false, sessionVersion: 1 };
}

let serial = 0;
async function ticket(queue: TicketQueue, values: { status?: TicketStatus; dueAt?: Date | null; assigneeId?: number | null; category?: "not_posted" | "other"; pausedAt?: Date } = {}) {
  const n = ++serial;
  const [row] = await handle()
    .db.insert(tickets)
    .values({
      ref: `T-Q${n}`,
      category: values.category ?? "not_posted",
      status: values.status ?? "open",
      queue,
      paymentStatus: "overdue",
      dueAt: values.dueAt === undefined ? hours(n) : values.dueAt,
      pausedAt: values.pausedAt ?? null,
      assigneeId: values.assigneeId ?? null,
      description: "x",
      payerContact: "r@example.cn",
      trackingTokenHash: "h",
    })
    .returning({ id: tickets.id, ref: tickets.ref });
  return row!;
}
const filters = (f: Record<string, string> = {}) => ZQueueFilters.parse(f);

describe(`queues on ${databaseKind()}`, () => {
  it("counts open, waiting, breached and unassigned tickets per queue the staff member may see", async () => {
    const agent = await member("agent", ["records"]);
    await ticket("records", { dueAt: hours(-5) });
    await ticket("records", { dueAt: hours(5), assigneeId: agent.id });
    await ticket("records", { status: "waiting_on_payer", dueAt: hours(-5), pausedAt: hours(-6) });
    await ticket("records", { status: "resolved", dueAt: hours(-5) });
    await ticket("invoices", { dueAt: hours(-5) });

    expect(await queueCounts(agent, now)).toEqual([{ queue: "records", open: 2, waiting: 1, breached: 1, unassigned: 1 }]);
    const all = await queueCounts(await member("supervisor"), now);
    expect(all.map((c) => c.queue)).toEqual(["bank_liaison", "finance", "refunds", "data_entry", "records", "invoices"]);
    expect(all.find((c) => c.queue === "invoices")).toEqual({ queue: "invoices", open: 1, waiting: 0, breached: 1, unassigned: 1 });
    expect(await queueCounts(await member("agent", []), now)).toEqual([]);
  });

  it("pages through a queue by due time then id, without skipping or repeating, tickets without a due time last", async () => {
    const supervisor = await member("supervisor");
    const expected: string[] = [];
    const sameDue = hours(100);
    for (let i = 0; i < 7; i++) expected.push((await ticket("finance", { dueAt: i % 2 === 0 ? sameDue : hours(50 + i) })).ref);
    for (let i = 0; i < 3; i++) expected.push((await ticket("finance", { dueAt: null })).ref);
    await ticket("finance", { status: "closed" });
    const rows = await handle().db.select({ ref: tickets.ref, dueAt: tickets.dueAt, id: tickets.id }).from(tickets).where(inArray(tickets.ref, expected));
    const order = rows.sort((a, b) => (a.dueAt?.getTime() ?? Infinity) - (b.dueAt?.getTime() ?? Infinity) || a.id - b.id).map((r) => r.ref);

    const seen: string[] = [];
    let cursor: string | undefined;
    for (let pages = 0; pages < 10; pages++) {
      const page = await queuePage(supervisor, "finance", filters({ cursor: cursor ?? "" }), { limit: 3 });
      seen.push(...page!.rows.map((r) => r.ref));
      if (!page!.nextCursor) break;
      cursor = page!.nextCursor;
    }
    expect(seen).toEqual(order);
  });

  it("filters by assignee and category, and refuses a queue outside the agent's", async () => {
    const agent = await member("agent", ["refunds"]);
    const mine = await ticket("refunds", { assigneeId: agent.id });
    const free = await ticket("refunds", { category: "other" });
    const refs = async (f: Record<string, string>) => (await queuePage(agent, "refunds", filters(f)))!.rows.map((r) => r.ref);
    expect(await refs({ assigned: "me" })).toEqual([mine.ref]);
    expect(await refs({ assigned: "unassigned" })).toEqual([free.ref]);
    expect(await refs({ category: "other" })).toEqual([free.ref]);
    expect(await queuePage(agent, "finance", filters())).toBeNull();
  });

  it("next ticket: the most urgent unassigned open ticket of the caller's queues, never the same one twice", async () => {
    const agent = await member("agent", ["data_entry"]);
    const other = await member("agent", ["data_entry"]);
    await ticket("data_entry", { dueAt: hours(-100), assigneeId: other.id });
    await ticket("data_entry", { dueAt: hours(-99), status: "waiting_on_payer" });
    await ticket("bank_liaison", { dueAt: hours(-98) });
    const first = await ticket("data_entry", { dueAt: hours(-97) });
    const second = await ticket("data_entry", { dueAt: hours(-96) });

    const claimed = await Promise.all([claimNextTicket(agent, now), claimNextTicket(other, now)]);
    expect(claimed.sort()).toEqual([first.ref, second.ref].sort());
    const rows = await handle().db.select({ ref: tickets.ref, assigneeId: tickets.assigneeId, version: tickets.version }).from(tickets).where(inArray(tickets.ref, [first.ref, second.ref]));
    expect(new Set(rows.map((r) => r.assigneeId))).toEqual(new Set([agent.id, other.id]));
    expect(rows.every((r) => r.version === 2)).toBe(true);
    const audits = await handle().db.select().from(auditEvents).where(and(eq(auditEvents.action, "ticket.claim_next"), inArray(auditEvents.objectId, [first.ref, second.ref])));
    expect(audits).toHaveLength(2);

    // Claim the rest of data_entry, then nothing is left.
    while (await claimNextTicket(agent, now));
    expect(await claimNextTicket(agent, now)).toBeNull();
    expect(await claimNextTicket(await member("agent", []), now)).toBeNull();
  });

  it("least-loaded: the agent of that queue with the fewest open tickets", async () => {
    const busy = await member("agent", ["invoices"]);
    const idle = await member("agent", ["invoices", "records"]);
    await member("agent", ["records"]);
    await ticket("invoices", { assigneeId: busy.id });
    await ticket("invoices", { assigneeId: idle.id, status: "resolved" });
    expect((await leastLoadedAgent("invoices"))?.id).toBe(idle.id);
    await ticket("invoices", { assigneeId: idle.id });
    await ticket("invoices", { assigneeId: idle.id });
    expect((await leastLoadedAgent("invoices"))?.id).toBe(busy.id);
  });
});
