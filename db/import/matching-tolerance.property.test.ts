import fc from "fast-check";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { DEFAULT_MATCH_RULES, REQUIRED_LINE_FIELDS, type RequiredLineField } from "@/lib/match-rules";
import { withLuhnDigit } from "@/lib/receipt-number";
import { queryRows } from "../client";
import { receipts, settlementBatches, settlementLines } from "../schema";
import { clearMatchingStore, databaseKind, setupTestDatabase } from "../testing/test-db";
import { storeMatchRules } from "./match-rules";
import { matchSettlements } from "./matching";

/**
 * Issue 16: amount-and-date matching with a tolerance and required fields, against an oracle. Receipts and
 * lines are drawn from a few amounts a few fen apart, two channels and a week, with no bank reference and no
 * receipt number in any text, so amount and date is the only method that can pair them. The oracle: a line
 * and a receipt are candidates when they are on the same channel (the rule may drop that), their amounts are
 * within the tolerance, the value date is within the channel's window of the payment date and the line has
 * the required fields; a pair is matched exactly when each is the other's only candidate. Matching again
 * changes nothing.
 */

const { handle } = setupTestDatabase();
const TZ = "Asia/Shanghai";
const AMOUNTS = [10_000, 10_002, 10_005, 10_009, 10_016];
const CHANNELS = ["wechat", "alipay"];
const day = (offset: number) => `2026-11-${String(3 + offset).padStart(2, "0")}`;

const scenarioArb = fc.record({
  tolerance: fc.constantFrom(0, 2, 3, 5, 7),
  requireChannel: fc.boolean(),
  window: fc.constantFrom(null, 0, 1),
  required: fc.subarray([...REQUIRED_LINE_FIELDS]),
  receipts: fc.array(fc.record({ amount: fc.integer({ min: 0, max: 4 }), channel: fc.integer({ min: 0, max: 1 }), day: fc.integer({ min: 0, max: 3 }) }), { minLength: 1, maxLength: 8 }),
  lines: fc.array(
    fc.record({
      amount: fc.integer({ min: 0, max: 4 }),
      channel: fc.integer({ min: 0, max: 1 }),
      day: fc.integer({ min: 0, max: 6 }),
      account: fc.constantFrom(null, "", "6222 0001"),
      remittance: fc.constantFrom(null, " ", "户籍费"),
    }),
    { minLength: 1, maxLength: 10 },
  ),
});
type Scenario = typeof scenarioArb extends fc.Arbitrary<infer T> ? T : never;

const days = (a: string, b: string) => Math.round((Date.parse(a) - Date.parse(b)) / 86_400_000);
const present = (v: string | null) => v !== null && v.trim() !== "";

/** The pairs (line index, receipt index) the rule should make, and the difference each records. */
function oracle(s: Scenario, channelWindow: (channel: string) => number): Map<number, [number, number | null]> {
  const has: Record<RequiredLineField, (l: Scenario["lines"][number]) => boolean> = { payer_account: (l) => present(l.account), remittance: (l) => present(l.remittance) };
  const candidate = (li: number, ri: number) => {
    const l = s.lines[li]!;
    const r = s.receipts[ri]!;
    const w = s.window ?? channelWindow(CHANNELS[r.channel]!);
    return (
      (!s.requireChannel || l.channel === r.channel) &&
      Math.abs(AMOUNTS[l.amount]! - AMOUNTS[r.amount]!) <= s.tolerance &&
      Math.abs(days(day(l.day), day(r.day))) <= w &&
      s.required.every((f) => has[f](l))
    );
  };
  const lineCandidates = s.lines.map((_, li) => s.receipts.map((_, ri) => ri).filter((ri) => candidate(li, ri)));
  const receiptCandidates = s.receipts.map((_, ri) => s.lines.map((_, li) => li).filter((li) => candidate(li, ri)));
  const pairs = new Map<number, [number, number | null]>();
  lineCandidates.forEach((rs, li) => {
    if (rs.length === 1 && receiptCandidates[rs[0]!]!.length === 1) {
      const difference = AMOUNTS[s.lines[li]!.amount]! - AMOUNTS[s.receipts[rs[0]!]!.amount]!;
      pairs.set(li, [rs[0]!, difference === 0 ? null : difference]);
    }
  });
  return pairs;
}

const matchRows = () =>
  queryRows<{ settlement_line_id: number; receipt_id: number; method: string; difference_fen: number | null }>(
    handle().db,
    sql`select settlement_line_id, receipt_id, method::text as method, difference_fen from matches order by settlement_line_id`,
  );

let run = 0;

describe(`amount-and-date matching with a tolerance, against an oracle, on ${databaseKind()}`, () => {
  it("makes exactly the pairs that are each other's only candidate, records their difference, and is a fixed point", async () => {
    const windows = await queryRows<{ code: string; w: number }>(handle().db, sql`select code, match_window_days as w from channels`);
    const channelWindow = (code: string) => Number(windows.find((c) => c.code === code)!.w);
    await fc.assert(
      fc.asyncProperty(scenarioArb, async (s) => {
        await clearMatchingStore(handle().db);
        ++run;
        const d = handle().db;
        await storeMatchRules(
          d,
          DEFAULT_MATCH_RULES.map((r) => (r.method === "amount_date" ? { ...r, toleranceFen: s.tolerance, requireChannel: s.requireChannel, dateWindowDays: s.window, requiredFields: s.required } : r)),
          "test",
        );
        const receiptIds: number[] = [];
        for (const [i, r] of s.receipts.entries()) {
          const [row] = await d
            .insert(receipts)
            .values({
              receiptNo: withLuhnDigit(`20265${String(run).padStart(5, "0")}${String(i).padStart(5, "0")}`),
              service: "hukou",
              payerName: "张三",
              amountDueFen: AMOUNTS[r.amount]!,
              amountPaidFen: AMOUNTS[r.amount]!,
              channel: CHANNELS[r.channel]!,
              paidAt: new Date(`${day(r.day)}T10:00:00+08:00`),
              billingStatus: "paid",
            })
            .returning({ id: receipts.id });
          receiptIds.push(row!.id);
        }
        const [batch] = await d.insert(settlementBatches).values({ fileHash: `tp-${run}`, fileName: "t", format: "csv" }).returning({ id: settlementBatches.id });
        const lineIds: number[] = [];
        for (const [i, l] of s.lines.entries()) {
          const [row] = await d
            .insert(settlementLines)
            .values({ batchId: batch!.id, lineKey: `tp-${run}-${i}`, amountFen: AMOUNTS[l.amount]!, valueDate: day(l.day), channel: CHANNELS[l.channel]!, payerAccount: l.account, remittance: l.remittance })
            .returning({ id: settlementLines.id });
          lineIds.push(row!.id);
        }

        await matchSettlements({ timeZone: TZ }, d);
        const made = await matchRows();
        const expected = [...oracle(s, channelWindow).entries()].map(([li, [ri, difference]]) => ({
          settlement_line_id: lineIds[li],
          receipt_id: receiptIds[ri],
          method: "amount_date",
          difference_fen: difference,
        }));
        expect(made.map((m) => ({ ...m, settlement_line_id: Number(m.settlement_line_id), receipt_id: Number(m.receipt_id), difference_fen: m.difference_fen === null ? null : Number(m.difference_fen) }))).toEqual(
          expected.sort((a, b) => a.settlement_line_id! - b.settlement_line_id!),
        );

        expect(await matchSettlements({ timeZone: TZ }, d)).toMatchObject({ amountDate: 0 });
        expect(await matchRows()).toEqual(made);
      }),
      { numRuns: 40 },
    );
  }, 300_000);
});
