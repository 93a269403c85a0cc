import { describe, expect, it } from "vitest";
import { withLuhnDigit } from "@/lib/receipt-number";
import { feeRules, receipts, settlementBatches, settlementLines, matches } from "../schema";
import { setupTestDatabase } from "../testing/test-db";
import { listExceptions } from "./exceptions";
import { manualMatch } from "./manual-match";
import type { StaffPrincipal } from "./staff";

const { handle } = setupTestDatabase();
const TZ = "Asia/Shanghai";
const supervisor: StaffPrincipal = { id: 1, email: "s@paystatus.test", name: "", role: "supervisor", queues: [], isDemo: false, sessionVersion: 1 };

let serial = 0;
async function receipt(values: { amountFen?: number; channel?: string; bankRef?: string; paidAt?: Date }) {
  const receiptNo = withLuhnDigit(`20269700000${String(++serial).padStart(4, "0")}`);
  const amount = values.amountFen ?? 4200;
  const [row] = await handle()
    .db.insert(receipts)
    .values({
      receiptNo,
      service: "tax",
      payerName: "李四",
      amountDueFen: amount,
      amountPaidFen: amount,
      channel: values.channel ?? "pos",
      paidAt: values.paidAt ?? new Date("2026-11-10T10:00:00+08:00"),
      bankRef: values.bankRef ?? null,
      billingStatus: "paid",
    })
    .returning({ id: receipts.id, receiptNo: receipts.receiptNo });
  return row!;
}

async function lines(values: { amountFen: number; valueDate: string; channel?: string; bankRef?: string; remittance?: string }[]) {
  const [batch] = await handle()
    .db.insert(settlementBatches)
    .values({ fileHash: `ex-${++serial}`, fileName: `statement-${serial}.csv`, format: "csv" })
    .returning({ id: settlementBatches.id });
  const rows = await handle()
    .db.insert(settlementLines)
    .values(values.map((v, i) => ({ batchId: batch!.id, lineKey: `ex-${serial}-${i}`, channel: "pos", ...v })))
    .returning({ id: settlementLines.id });
  return rows.map((r) => r.id);
}

describe("exceptions", () => {
  it("lists unmatched lines newest first, in keyset pages, with filters", async () => {
    const ids = await lines([
      { amountFen: 100, valueDate: "2026-11-01" },
      { amountFen: 200, valueDate: "2026-11-02", channel: "wechat" },
      { amountFen: 300, valueDate: "2026-11-03" },
      { amountFen: 400, valueDate: "2026-11-04" },
    ]);
    const r = await receipt({ amountFen: 999 });
    await handle().db.insert(matches).values({ settlementLineId: ids[3]!, receiptId: r.id, method: "manual" });

    const seen: number[] = [];
    let cursor: number | undefined;
    do {
      const page = await listExceptions(supervisor, {}, { cursor, limit: 2, timeZone: TZ });
      expect(page.rows.length).toBeLessThanOrEqual(2);
      seen.push(...page.rows.map((l) => l.id));
      cursor = page.next ?? undefined;
    } while (cursor !== undefined);
    expect(seen).toEqual([ids[2], ids[1], ids[0]]);

    const ids3 = (f: Parameters<typeof listExceptions>[1]) => listExceptions(supervisor, f, { timeZone: TZ }).then((p) => p.rows.map((l) => l.id));
    expect(await ids3({ channel: "wechat" })).toEqual([ids[1]]);
    expect(await ids3({ from: "2026-11-02", to: "2026-11-02" })).toEqual([ids[1]]);
    expect(await ids3({ amountFen: 300 })).toEqual([ids[2]]);
    expect(await ids3({ amountFen: 400 })).toEqual([]);
  });

  it("offers candidate receipts by reference, remittance and amount and date, and drops a line once matched by hand", async () => {
    const byRef = await receipt({ bankRef: "POS-777", amountFen: 5100 });
    const byText = await receipt({ amountFen: 5200 });
    const byAmount = await receipt({ amountFen: 5300, paidAt: new Date("2026-11-12T09:00:00+08:00") });
    await receipt({ amountFen: 5300, channel: "wechat", paidAt: new Date("2026-11-12T09:00:00+08:00") });
    const [refLine, textLine, amountLine, strayLine] = await lines([
      { amountFen: 5100, valueDate: "2026-11-20", bankRef: "POS-777" },
      { amountFen: 1, valueDate: "2026-11-20", remittance: `缴费 ${byText.receiptNo.slice(0, 8)}-${byText.receiptNo.slice(8)}` },
      { amountFen: 5300, valueDate: "2026-11-13" },
      { amountFen: 5300, valueDate: "2026-12-30" },
    ]);
    const page = await listExceptions(supervisor, {}, { timeZone: TZ });
    const candidates = (id: number) => page.rows.find((l) => l.id === id)!.candidates.map((c) => [c.id, c.reason]);
    expect(candidates(refLine!)).toEqual([[byRef.id, "reference"]]);
    expect(candidates(textLine!)).toEqual([[byText.id, "remittance"]]);
    expect(candidates(amountLine!)).toEqual([[byAmount.id, "amount_date"]]);
    expect(candidates(strayLine!)).toEqual([]);

    expect(await manualMatch({ receiptId: byAmount.id, lineId: amountLine!, staff: supervisor, now: new Date() })).toMatchObject({ ok: true });
    const after = await listExceptions(supervisor, {}, { timeZone: TZ });
    expect(after.rows.map((l) => l.id)).not.toContain(amountLine);
    // A matched receipt is no longer anyone's candidate.
    expect(after.rows.flatMap((l) => l.candidates.map((c) => c.id))).not.toContain(byAmount.id);
  });

  it("the demo's exception lines stay exceptions after matching, each offering the demo receipt; re-seeding is safe", async () => {
    const { DEMO_BACK_OFFICE, seedDemo } = await import("../seed/demo");
    const { matchSettlements } = await import("../import/matching");
    await seedDemo(handle().db, { now: new Date(), timeZone: TZ });
    await seedDemo(handle().db, { now: new Date(), timeZone: TZ });
    await matchSettlements({ timeZone: TZ });
    const page = await listExceptions(supervisor, { amountFen: DEMO_BACK_OFFICE.exception.amountFen, channel: "alipay" }, { timeZone: TZ });
    expect(page.rows.map((l) => l.bankRef).sort()).toEqual([...DEMO_BACK_OFFICE.exception.lineRefs]);
    for (const line of page.rows) expect(line.candidates.map((c) => c.receiptNo)).toEqual([DEMO_BACK_OFFICE.exception.receiptNo]);
  });

  it("shows a credit the fee rule does not explain with the receipt's gross, the rule's fee, the expected net and the difference", async () => {
    await handle().db.insert(feeRules).values({ channel: "online_bank", rate: 60, rateUnit: "bp", rounding: "half_up", effectiveFrom: "2026-01-01" });
    const paidAt = new Date("2026-11-22T10:00:00+08:00");
    const r = await receipt({ amountFen: 30000, channel: "online_bank", paidAt });
    const [short, farOff, outOfWindow] = await lines([
      { amountFen: 29800, valueDate: "2026-11-23", channel: "online_bank" },
      { amountFen: 29000, valueDate: "2026-11-23", channel: "online_bank" },
      { amountFen: 29800, valueDate: "2026-12-31", channel: "online_bank" },
    ]);
    const page = await listExceptions(supervisor, { channel: "online_bank" }, { timeZone: TZ });
    const of = (id: number) => page.rows.find((l) => l.id === id)!.candidates;
    // 0.6 % of ¥300.00 is ¥1.80: ¥298.20 expected, ¥298.00 credited, ¥0.20 short
    expect(of(short!)).toEqual([expect.objectContaining({ id: r.id, reason: "net_of_fee", expected: { grossFen: 30000, feeFen: 180, netFen: 29820 } })]);
    // more than one fee (at least ¥1) away from the expected net, or outside the channel's window: not a likely owner
    expect(of(farOff!)).toEqual([]);
    expect(of(outOfWindow!)).toEqual([]);
    // the same amount as the receipt is still an amount-and-date candidate, with nothing expected
    const [same] = await lines([{ amountFen: 30000, valueDate: "2026-11-23", channel: "online_bank" }]);
    const again = await listExceptions(supervisor, { channel: "online_bank" }, { timeZone: TZ });
    expect(again.rows.find((l) => l.id === same)!.candidates).toEqual([expect.objectContaining({ id: r.id, reason: "amount_date", expected: null })]);
  });
});
