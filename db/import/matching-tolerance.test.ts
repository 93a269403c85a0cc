import { and, eq, inArray, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { DEFAULT_MATCH_RULES, type RequiredLineField } from "@/lib/match-rules";
import { withLuhnDigit } from "@/lib/receipt-number";
import { publicStatus } from "../queries/status";
import { matches, receipts, settlementBatches, settlementLines, tickets } from "../schema";
import { databaseKind, setupTestDatabase } from "../testing/test-db";
import { storeMatchRules } from "./match-rules";
import { matchSettlements } from "./matching";

/**
 * Issue 16: amount-and-date matching with an amount tolerance and required line fields. Every case
 * has amounts of its own (BASE apart, a multiple of every bucket width below), and what a case leaves
 * unmatched is taken out afterwards, so no case sees another's lines or receipts.
 */

const { handle } = setupTestDatabase();
const TZ = "Asia/Shanghai";
const now = new Date("2026-12-10T10:00:00+08:00");
const BASE = 120_000;

let serial = 0;
async function receipt(dueFen: number, paidFen = dueFen) {
  const receiptNo = withLuhnDigit(`20267700000${String(++serial).padStart(4, "0")}`);
  const [row] = await handle()
    .db.insert(receipts)
    .values({ receiptNo, service: "hukou", payerName: "张三", amountDueFen: dueFen, amountPaidFen: paidFen, channel: "wechat", paidAt: new Date("2026-11-03T10:00:00+08:00"), billingStatus: "paid" })
    .returning({ id: receipts.id, receiptNo: receipts.receiptNo });
  return row!;
}
async function line(amountFen: number, fields: { payerAccount?: string | null; remittance?: string | null } = {}) {
  const [batch] = await handle().db.insert(settlementBatches).values({ fileHash: `tol-${++serial}`, fileName: "t", format: "csv" }).returning({ id: settlementBatches.id });
  const [row] = await handle()
    .db.insert(settlementLines)
    .values({ batchId: batch!.id, lineKey: `tol-${serial}`, channel: "wechat", valueDate: "2026-11-04", amountFen, payerAccount: null, remittance: null, ...fields })
    .returning({ id: settlementLines.id });
  return row!.id;
}
const setRule = (toleranceFen: number, requiredFields: RequiredLineField[] = []) =>
  storeMatchRules(
    handle().db,
    DEFAULT_MATCH_RULES.map((r) => (r.method === "amount_date" ? { ...r, toleranceFen, requiredFields } : r)),
    "test",
  );
const run = () => matchSettlements({ timeZone: TZ }, handle().db);
/** The case's unmatched lines go and its unmatched receipts are voided (never a candidate again). */
async function leaveNothingOpen(lineIds: number[], receiptIds: number[]) {
  await handle().db.execute(sql`delete from settlement_lines l where l.id in ${lineIds} and not exists (select 1 from matches m where m.settlement_line_id = l.id)`);
  await handle().db.execute(sql`update receipts r set billing_status = 'voided' where r.id in ${receiptIds} and not exists (select 1 from matches m where m.receipt_id = r.id)`);
}

type Case = {
  name: string;
  tolerance: number;
  required?: RequiredLineField[];
  /** Amounts due of the receipts (offsets from the case's base); [due, paid] when the resident paid another amount. */
  receipts: (number | [number, number])[];
  /** Amounts of the lines (offsets), with the line fields they carry. */
  lines: (number | [number, { payerAccount?: string | null; remittance?: string | null }])[];
  /** For each line: the index of the receipt it matches and the difference recorded, or null (unmatched). */
  expected: ([number, number | null] | null)[];
};

const cases: Case[] = [
  { name: "no tolerance: 3 fen over is not a candidate (today's matching)", tolerance: 0, receipts: [0], lines: [3], expected: [null] },
  { name: "no tolerance: the same amount matches, no difference", tolerance: 0, receipts: [0], lines: [0], expected: [[0, null]] },
  { name: "3 fen over within 5", tolerance: 5, receipts: [0], lines: [3], expected: [[0, 3]] },
  { name: "4 fen short within 5", tolerance: 5, receipts: [0], lines: [-4], expected: [[0, -4]] },
  { name: "exactly the tolerance", tolerance: 5, receipts: [0], lines: [5], expected: [[0, 5]] },
  { name: "1 fen past the tolerance", tolerance: 5, receipts: [0], lines: [6], expected: [null] },
  { name: "the same amount within a tolerance: no difference", tolerance: 5, receipts: [0], lines: [0], expected: [[0, null]] },
  // Buckets are tolerance + 1 = 6 fen wide: 5999 and 6004 lie in neighbouring buckets, 6004 and 6011 too.
  { name: "across a bucket boundary, within", tolerance: 5, receipts: [5999], lines: [6004], expected: [[0, 5]] },
  { name: "across a bucket boundary, past it", tolerance: 5, receipts: [6004], lines: [6011], expected: [null] },
  { name: "two receipts within reach of one line: neither", tolerance: 5, receipts: [0, 4], lines: [2], expected: [null] },
  { name: "two lines within reach of one receipt: neither", tolerance: 5, receipts: [0], lines: [1, 3], expected: [null, null] },
  { name: "an exact amount is no better than a near one: still ambiguous", tolerance: 5, receipts: [0, 3], lines: [0], expected: [null] },
  { name: "two pairs each out of the other's reach", tolerance: 5, receipts: [0, 10], lines: [2, 11], expected: [[0, 2], [1, 1]] },
  {
    name: "a line within reach of two receipts leaves both, and the pair beside them still matches",
    tolerance: 5,
    receipts: [0, 8, 20],
    lines: [4, 21],
    expected: [null, [2, 1]],
  },
  // The resident paid 90.00 of 100.00 due: the credit of 90.00 matches that payment exactly; it is not the tolerance's to excuse.
  { name: "paid less than due, credited what was paid: exact, no difference", tolerance: 5, receipts: [[10_000, 9_000]], lines: [9_000], expected: [[0, null]] },
  { name: "paid 2 fen less than due, credited what was paid: the tolerance takes up the 2 fen", tolerance: 5, receipts: [[10_000, 9_998]], lines: [9_998], expected: [[0, -2]] },
  { name: "the payer's account required, the line has none", tolerance: 0, required: ["payer_account"], receipts: [0], lines: [0], expected: [null] },
  { name: "the payer's account required, a blank one is none", tolerance: 0, required: ["payer_account"], receipts: [0], lines: [[0, { payerAccount: "  " }]], expected: [null] },
  { name: "the payer's account required, the line has it", tolerance: 0, required: ["payer_account"], receipts: [0], lines: [[0, { payerAccount: "6222 0000 1111" }]], expected: [[0, null]] },
  { name: "a remittance text required, the line has only an account", tolerance: 2, required: ["remittance"], receipts: [0], lines: [[1, { payerAccount: "6222" }]], expected: [null] },
  {
    name: "both required, the line has both",
    tolerance: 2,
    required: ["payer_account", "remittance"],
    receipts: [0],
    lines: [[1, { payerAccount: "6222", remittance: "户籍费" }]],
    expected: [[0, 1]],
  },
  // A line left out for a missing field is no candidate either: the receipt's other line is then its only one.
  {
    name: "a line without the required field does not make another ambiguous",
    tolerance: 5,
    required: ["payer_account"],
    receipts: [0],
    lines: [1, [3, { payerAccount: "6222" }]],
    expected: [null, [0, 3]],
  },
];

describe(`amount-and-date matching with a tolerance and required fields on ${databaseKind()}`, () => {
  it.each(cases.map((c, i) => [c.name, c, i] as const))("%s", async (_name, c, i) => {
    const base = BASE * (i + 1);
    await setRule(c.tolerance, c.required);
    const made: { id: number; receiptNo: string }[] = [];
    for (const r of c.receipts) made.push(await (Array.isArray(r) ? receipt(base + r[0], base + r[1]) : receipt(base + r)));
    const lineIds: number[] = [];
    for (const l of c.lines) lineIds.push(await (Array.isArray(l) ? line(base + l[0], l[1]) : line(base + l)));

    await run();
    const rows = await handle().db.select().from(matches).where(inArray(matches.settlementLineId, lineIds));
    const got = lineIds.map((id) => {
      const m = rows.find((row) => row.settlementLineId === id);
      return m ? [made.findIndex((r) => r.id === m.receiptId), m.differenceFen] : null;
    });
    expect(got).toEqual(c.expected);
    expect(rows.every((m) => m.method === "amount_date")).toBe(true);

    // One pass is a fixed point: matching again finds nothing and changes nothing.
    expect(await run()).toMatchObject({ amountDate: 0 });
    expect(await handle().db.select().from(matches).where(inArray(matches.settlementLineId, lineIds))).toEqual(rows);
    await leaveNothingOpen(lineIds, made.map((r) => r.id));
  });

  it.each([
    ["3 fen over", 3],
    ["4 fen short", -4],
  ])("a receipt matched %s within the tolerance is posted at its amount due, with no refund case", async (_name, offset) => {
    const base = BASE * (cases.length + 1 + Math.abs(offset));
    await setRule(5);
    const r = await receipt(base);
    const l = await line(base + offset);
    expect(await run()).toMatchObject({ amountDate: 1, refundCases: 0, posted: 1 });
    expect((await handle().db.select().from(matches).where(eq(matches.settlementLineId, l)))[0]).toMatchObject({ receiptId: r.id, differenceFen: offset });
    expect((await publicStatus(r.receiptNo, { now, timeZone: TZ }, handle().db))!.status).toEqual({ code: "posted", postedOn: "2026-11-04", amountFen: base });
    expect(await handle().db.select().from(tickets).where(and(eq(tickets.queue, "refunds"), eq(tickets.receiptId, r.id)))).toEqual([]);
  });

  it("without a tolerance the same credit is an exception, and the receipt stays unposted", async () => {
    const base = BASE * (cases.length + 10);
    await setRule(0);
    const r = await receipt(base);
    const l = await line(base + 3);
    expect(await run()).toMatchObject({ amountDate: 0, posted: 0 });
    expect((await publicStatus(r.receiptNo, { now, timeZone: TZ }, handle().db))!.status.code).not.toBe("posted");
    await leaveNothingOpen([l], [r.id]);
  });

  it("the store refuses a tolerance past 100.00 yuan and a field it does not know", async () => {
    const amountDate = DEFAULT_MATCH_RULES.find((r) => r.method === "amount_date")!;
    await expect(storeMatchRules(handle().db, [{ ...amountDate, toleranceFen: 10_001 }], "test")).rejects.toThrow();
    await expect(storeMatchRules(handle().db, [{ ...amountDate, requiredFields: ["payer_name" as RequiredLineField] }], "test")).rejects.toThrow();
  });
});
