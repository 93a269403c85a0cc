import { asc, eq, inArray } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { loadMatchRules } from "@/db/import/match-rules";
import { dryRunMatchRules } from "@/db/queries/match-rules";
import { queueCounts } from "@/db/queries/queues";
import { staffTicket } from "@/db/queries/staff-tickets";
import { setupTestDatabase } from "@/db/testing/test-db";
import { TICKET_QUEUES } from "@/lib/routing";
import { staff, ticketAttachments, tickets } from "../schema";
import { seedDemo } from "./demo";
import { seedDemoStaff } from "./demo-staff";
import { DEMO_TICKET_RECEIPTS, seedDemoTickets } from "./demo-tickets";

const { handle } = setupTestDatabase();
const supervisor = { id: 0, role: "supervisor" as const, queues: [], email: "s@paystatus.invalid", name: "S", isDemo: false, sessionVersion: 1 };

describe("seedDemoTickets (issue 18)", () => {
  it("opens tickets in every queue — some claimed, some past due, an image and a PDF proof — on receipts of their own, once", async () => {
    const db = handle().db;
    const now = new Date();
    await seedDemo(db, { now, timeZone: "Asia/Shanghai" });
    await seedDemoStaff(db);
    expect(await seedDemoTickets(db, { now, timeZone: "Asia/Shanghai" })).toBe(7);

    const rows = await db.select().from(tickets).where(inArray(tickets.receiptNo, Object.values(DEMO_TICKET_RECEIPTS))).orderBy(asc(tickets.id));
    expect(new Set(rows.map((r) => r.queue))).toEqual(new Set(TICKET_QUEUES));
    expect(rows.filter((r) => r.assigneeId !== null).length).toBeGreaterThanOrEqual(2);
    expect(rows.filter((r) => r.dueAt !== null && r.dueAt <= now && r.status === "open").length).toBeGreaterThanOrEqual(1);
    const files = await db.select({ contentType: ticketAttachments.contentType }).from(ticketAttachments).where(inArray(ticketAttachments.ticketId, rows.map((r) => r.id)));
    expect(files.map((f) => f.contentType).sort()).toEqual(["application/pdf", "image/png"]);

    const counts = await queueCounts(supervisor, now);
    for (const c of counts) expect(c.open + c.waiting, c.queue).toBeGreaterThan(0);

    // The ticket page reads them like any other (the receipt and its derived status are there).
    const [demoSupervisor] = await db.select({ id: staff.id }).from(staff).where(eq(staff.email, "demo-supervisor@paystatus.invalid"));
    const view = await staffTicket(rows[0]!.ref, { ...supervisor, id: demoSupervisor!.id }, { now, timeZone: "Asia/Shanghai" });
    expect(view?.receipt?.receiptNo).toBe(DEMO_TICKET_RECEIPTS.bankLiaison);

    // A second run leaves them as they are.
    expect(await seedDemoTickets(db, { now, timeZone: "Asia/Shanghai" })).toBe(0);
    expect((await db.select({ id: tickets.id }).from(tickets).where(inArray(tickets.receiptNo, Object.values(DEMO_TICKET_RECEIPTS)))).length).toBe(7);
  });
});

describe("seedDemo", () => {
  it("stores the matches matching itself makes: re-matching the demo store with its rules changes none", async () => {
    // Runs on the store the test above seeded. A seeded match matching would not make shows as a change in every
    // dry run of the match and fee rule editors (issue 16).
    const db = handle().db;
    const diff = await dryRunMatchRules(supervisor, await loadMatchRules(db), { timeZone: "Asia/Shanghai" }, db);
    expect({ appear: diff.appear, disappear: diff.disappear, change: diff.change, examples: diff.examples }).toEqual({
      appear: 0, disappear: 0, change: 0, examples: { appear: [], disappear: [], change: [] },
    });
  });
});
