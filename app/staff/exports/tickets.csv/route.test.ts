import { randomBytes } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { afterEach, describe, expect, it, vi } from "vitest";
import { auditEvents, tickets } from "@/db/schema";
import { createStaff } from "@/db/queries/staff-accounts";
import { setupTestDatabase } from "@/db/testing/test-db";
import { newTicketRef } from "@/lib/tickets";

const session = vi.hoisted(() => ({ current: null as null | { user: { id: string }; sessionVersion: number; expires: string } }));
vi.mock("@/auth", () => ({ auth: () => Promise.resolve(session.current) }));

const { handle } = setupTestDatabase();
afterEach(() => {
  session.current = null;
});

async function signedIn(role: "agent" | "supervisor") {
  const { id } = await createStaff("cli", { email: `csv-${role}-${randomBytes(4).toString("hex")}@paystatus.test`, role, queues: ["finance"], password: null });
  session.current = { user: { id: String(id) }, sessionVersion: 1, expires: new Date(Date.now() + 3600_000).toISOString() };
  return id;
}
const get = async (query = "") => (await import("./route")).GET(new Request(`http://localhost/staff/exports/tickets.csv${query}`));

describe("GET /staff/exports/tickets.csv", () => {
  it("sends anonymous callers to sign in and refuses agents", async () => {
    const anonymous = await get("?queue=finance");
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get("location")).toBe("http://localhost/staff/login?callbackUrl=%2Fstaff%2Fexports%2Ftickets.csv%3Fqueue%3Dfinance");
    await signedIn("agent");
    expect((await get()).status).toBe(403);
  });

  it("streams a spreadsheet-safe UTF-8 CSV with a BOM, and audits the export", async () => {
    const supervisorId = await signedIn("supervisor");
    const ref = newTicketRef();
    await handle()
      .db.insert(tickets)
      .values({ ref, receiptNo: "2026110000000045", category: "not_posted", status: "open", queue: "finance", paymentStatus: "overdue", description: '=HYPERLINK("http://evil","点我"), 付款', payerContact: "13800000000", trackingTokenHash: "x".repeat(32), createdAt: new Date("2026-11-02T16:30:00Z") });
    expect((await get("?queue=lost")).status).toBe(400);

    const response = await get("?queue=finance&from=2026-11-01");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(response.headers.get("content-disposition")).toMatch(/^attachment; filename="tickets-\d{8}\.csv"$/);
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = new TextDecoder().decode(bytes.slice(3)).split("\r\n");
    expect(lines[0]).toBe("ref,created_at,status,queue,category,priority,payment_status,receipt_no,due_at,resolved_at,assignee,rating,description");
    expect(lines[1]).toBe(`${ref},2026-11-03 00:30,open,finance,not_posted,2,overdue,2026110000000045,,,,,"'=HYPERLINK(""http://evil"",""点我""), 付款"`);
    expect(lines.join("\n")).not.toContain("13800000000");

    const events = await handle().db.select().from(auditEvents).where(and(eq(auditEvents.action, "tickets.export"), eq(auditEvents.actor, `staff:${supervisorId}`)));
    expect(events.map((e) => e.detail)).toEqual([{ queue: "finance", from: "2026-11-01" }]);
  });
});
