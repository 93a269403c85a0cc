import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { withLuhnDigit } from "@/lib/receipt-number";
import { receipts, tickets } from "../schema";
import { setupTestDatabase } from "../testing/test-db";
import { declareIncident, endIncident, incidentById, incidentTickets, listIncidents } from "./incidents-admin";
import type { StaffPrincipal } from "./staff";
import { publicStatus } from "./status";

const { handle } = setupTestDatabase();
const TZ = "Asia/Shanghai";
const now = new Date("2026-11-18T10:00:00+08:00");
const principal = (id: number, role: StaffPrincipal["role"], queues: string[] = []): StaffPrincipal => ({ id, email: `s${id}@paystatus.test`, name: "", role, queues, isDemo: false, sessionVersion: 1 });
const supervisor = principal(1, "supervisor");
const message = { messageZh: "银联结算延迟", messageEn: "UnionPay settlement delayed" };

let serial = 0;
async function ticketOnReceipt(channel: string, paidAt: Date, queue: "bank_liaison" | "finance" = "bank_liaison") {
  const receiptNo = withLuhnDigit(`20269600000${String(++serial).padStart(4, "0")}`);
  const [r] = await handle()
    .db.insert(receipts)
    .values({ receiptNo, service: "tax", payerName: "王五", amountDueFen: 1000, amountPaidFen: 1000, channel, paidAt, billingStatus: "paid" })
    .returning({ id: receipts.id });
  const ref = `T-IN${String(serial).padStart(2, "0")}-${randomBytes(2).toString("hex").toUpperCase()}`;
  await handle().db.insert(tickets).values({
    ref, receiptNo, receiptId: r!.id, category: "not_posted", status: "open", queue, paymentStatus: "overdue",
    description: "x", payerContact: "13800138000", trackingTokenHash: randomBytes(16).toString("hex"),
  });
  return { receiptNo, ref };
}

describe("incidents", () => {
  it("only supervisors and admins declare and end them; dates must be in order", async () => {
    const input = { channel: "pos", bank: null, valueFrom: "2026-11-16", valueTo: "2026-11-17", ...message };
    expect(await declareIncident(principal(2, "agent", ["bank_liaison"]), input, now)).toEqual({ ok: false, code: "forbidden" });
    expect(await declareIncident(supervisor, { ...input, valueFrom: "2026-11-18" }, now)).toEqual({ ok: false, code: "invalid" });
    expect(await declareIncident(supervisor, { ...input, channel: "carrier_pigeon" }, now)).toEqual({ ok: false, code: "invalid" });
    const declared = await declareIncident(principal(3, "admin"), input, now);
    if (!declared.ok) throw new Error(declared.code);
    expect(await endIncident(principal(2, "agent", ["bank_liaison"]), declared.id, now)).toEqual({ ok: false, code: "forbidden" });
    expect(await endIncident(supervisor, declared.id, now)).toEqual({ ok: true, id: declared.id });
    expect(await endIncident(supervisor, declared.id, now)).toEqual({ ok: false, code: "not_found" });
    expect((await incidentById(supervisor, declared.id))?.endedAt).toEqual(now);
  });

  it("shows on the affected status pages while open, and groups the tickets of affected receipts", async () => {
    // Paid Monday 16 Nov 10:00 on a T+1 channel: expected Tuesday 17 Nov.
    const affected = await ticketOnReceipt("wechat", new Date("2026-11-16T10:00:00+08:00"));
    const otherChannel = await ticketOnReceipt("counter", new Date("2026-11-16T10:00:00+08:00"));
    const tooEarly = await ticketOnReceipt("wechat", new Date("2026-11-02T10:00:00+08:00"));
    const elsewhere = await ticketOnReceipt("wechat", new Date("2026-11-16T10:00:00+08:00"), "finance");

    const declared = await declareIncident(supervisor, { channel: "wechat", bank: "ICBC", valueFrom: "2026-11-17", valueTo: "2026-11-18", ...message }, now);
    if (!declared.ok) throw new Error(declared.code);
    const incident = (await incidentById(supervisor, declared.id))!;
    expect((await listIncidents(supervisor)).map((i) => i.id)).toContain(declared.id);

    const status = await publicStatus(affected.receiptNo, { now: new Date("2026-11-19T10:00:00+08:00"), timeZone: TZ });
    expect(status?.incidents.map((i) => i.id)).toEqual([declared.id]);
    expect((await publicStatus(otherChannel.receiptNo, { now, timeZone: TZ }))?.incidents).toEqual([]);

    const refs = (await incidentTickets(supervisor, incident, TZ)).map((t) => t.ref);
    expect(refs).toEqual(expect.arrayContaining([affected.ref, elsewhere.ref]));
    expect(refs).not.toContain(otherChannel.ref);
    expect(refs).not.toContain(tooEarly.ref);
    // An agent sees the grouped tickets of their own queues only.
    expect((await incidentTickets(principal(2, "agent", ["bank_liaison"]), incident, TZ)).map((t) => t.ref)).toEqual([affected.ref]);

    await endIncident(supervisor, declared.id, now);
    expect((await publicStatus(affected.receiptNo, { now: new Date("2026-11-19T10:00:00+08:00"), timeZone: TZ }))?.incidents).toEqual([]);
  });
});
