import fc from "fast-check";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { feeFor, FEE_ROUNDINGS, type FeeRounding } from "@/lib/fees";
import { withLuhnDigit } from "@/lib/receipt-number";
import { queryRows } from "../client";
import { feeRules, receipts, settlementBatches, settlementDetailLines, settlementLines } from "../schema";
import { databaseKind, setupTestDatabase } from "../testing/test-db";
import { matchSettlements } from "./matching";

/**
 * Properties over random POS batches and fees (issue 16), drawn from a small space (two terminals,
 * two days, three amounts) so that sums collide, credits are ambiguous, detail files and summed
 * days compete, and credits are off by a fen.
 */

const { handle } = setupTestDatabase();
const TZ = "Asia/Shanghai";
const AMOUNTS = [2500, 3800, 12345];
const DAYS = ["2026-12-03", "2026-12-04"];
const RULE = { rate: 60, rateUnit: "bp" as const, rounding: "half_up" as const, minFen: 1, maxFen: 5000 };

const dayArb = fc.record({
  terminal: fc.integer({ min: 0, max: 1 }),
  day: fc.integer({ min: 0, max: 1 }),
  amounts: fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 1, maxLength: 4 }),
  /** A detail file lists this terminal day (all of it, or all but its last transaction). */
  detail: fc.constantFrom("none", "all", "short"),
  /** What the bank credits for it. */
  credit: fc.constantFrom("net", "gross", "off_by_one", "none", "twice", "undated"),
});
const scenarioArb = fc.record({
  days: fc.array(dayArb, { minLength: 1, maxLength: 4 }),
  /** Single WeChat payments, credited net of the fee or not. */
  singles: fc.array(fc.record({ amount: fc.integer({ min: 0, max: 2 }), net: fc.boolean() }), { maxLength: 3 }),
});

let serial = 0;
async function build(s: { days: { terminal: number; day: number; amounts: number[]; detail: string; credit: string }[]; singles: { amount: number; net: boolean }[] }) {
  const d = handle().db;
  const run = ++serial;
  const [file] = await d.insert(settlementBatches).values({ fileHash: `prop-${run}`, fileName: "p", format: "csv" }).returning({ id: settlementBatches.id });
  const lines: (typeof settlementLines.$inferInsert)[] = [];
  const details: (typeof settlementDetailLines.$inferInsert)[] = [];
  let n = 0;
  for (const [k, td] of s.days.entries()) {
    const terminal = `T${run}0${td.terminal}`;
    const day = DAYS[td.day]!;
    const grosses = td.amounts.map((a) => AMOUNTS[a]!);
    const rows = grosses.map((gross, i) => ({
      receiptNo: withLuhnDigit(`2026${String(run).padStart(5, "0")}${String(k).padStart(2, "0")}${String(i).padStart(4, "0")}`),
      service: "hukou",
      payerName: "张三",
      amountDueFen: gross,
      amountPaidFen: gross,
      channel: "pos",
      paidAt: new Date(`${day}T${String(9 + i).padStart(2, "0")}:00:00+08:00`),
      billingStatus: "paid" as const,
      terminalId: terminal,
    }));
    await d.insert(receipts).values(rows).onConflictDoNothing();
    const gross = grosses.reduce((a, b) => a + b, 0);
    const fee = grosses.reduce((a, g) => a + feeFor(g, RULE), 0);
    if (td.detail !== "none") {
      const listed = td.detail === "short" && rows.length > 1 ? rows.slice(0, -1) : rows;
      for (const r of listed) {
        const f = feeFor(r.amountDueFen, RULE);
        details.push({ fileHash: `prop-${run}`, lineKey: `prop-${run}-${n++}`, channel: "pos", terminalId: terminal, batchNo: `B${run}${k}`, batchDate: day, receiptRef: r.receiptNo, grossFen: r.amountDueFen, feeFen: f, netFen: r.amountDueFen - f });
      }
    }
    const text = `POS清算 终端${terminal} ${day.replaceAll("-", "")}`;
    const credit = (amountFen: number, remittance = text) => lines.push({ batchId: file!.id, lineKey: `prop-${run}-${n++}`, amountFen, valueDate: "2026-12-05", channel: "pos", remittance });
    if (td.credit === "net") credit(gross - fee);
    if (td.credit === "gross") credit(gross);
    if (td.credit === "off_by_one") credit(gross - fee - 1);
    if (td.credit === "twice") {
      credit(gross - fee);
      credit(gross - fee);
    }
    if (td.credit === "undated") credit(gross - fee, `POS ${terminal}`);
  }
  for (const [i, single] of s.singles.entries()) {
    const gross = AMOUNTS[single.amount]!;
    await d.insert(receipts).values({ receiptNo: withLuhnDigit(`2026${String(run).padStart(5, "0")}99${String(i).padStart(4, "0")}`), service: "hukou", payerName: "李四", amountDueFen: gross, amountPaidFen: gross, channel: "wechat", paidAt: new Date("2026-12-03T10:00:00+08:00"), billingStatus: "paid" });
    lines.push({ batchId: file!.id, lineKey: `prop-${run}-${n++}`, amountFen: single.net ? gross - feeFor(gross, RULE) : gross, valueDate: "2026-12-04", channel: "wechat", remittance: null });
  }
  if (details.length > 0) await d.insert(settlementDetailLines).values(details);
  if (lines.length > 0) await d.insert(settlementLines).values(lines);
}

async function reset() {
  const d = handle().db;
  for (const table of ["matches", "channel_batch_members", "channel_batches", "settlement_detail_lines", "settlement_lines", "settlement_batches", "receipts"]) {
    await d.execute(sql`delete from ${sql.identifier(table)}`);
  }
}

async function snapshot() {
  return Promise.all(
    ["matches", "channel_batches", "channel_batch_members"].map((table) =>
      queryRows(handle().db, sql`select count(*)::int as n, md5(coalesce(string_agg((to_jsonb(t) - 'matched_at' - 'created_at')::text, '|' order by (to_jsonb(t) - 'matched_at' - 'created_at')::text), '')) as h from ${sql.identifier(table)} t`),
    ),
  );
}

async function invariants() {
  const [row] = await queryRows<Record<string, number>>(
    handle().db,
    sql`select
      (select count(*)::int from settlement_lines) as lines,
      (select count(*)::int from matches) as matches,
      (select count(distinct settlement_line_id)::int from matches) as matched_lines,
      (select count(*)::int from settlement_lines l where not exists (select 1 from matches m where m.settlement_line_id = l.id)) as exceptions,
      -- a receipt is credited by at most one batch, and never by a batch and a line of its own from batch matching
      (select count(*)::int from (select receipt_id from channel_batch_members group by receipt_id having count(*) > 1) x) as receipts_in_two_batches,
      -- each batch is paid by one credit at most, and its match points at it
      (select count(*)::int from channel_batches b where b.settlement_line_id is not null
         and not exists (select 1 from matches m where m.batch_id = b.id and m.settlement_line_id = b.settlement_line_id)) as batches_without_match,
      -- no credit pays more than it carries: members' gross within the batch's gross, the credit its net
      (select count(*)::int from channel_batches b join settlement_lines l on l.id = b.settlement_line_id
         where l.amount_fen not in (b.net_fen, b.gross_fen) or b.gross_fen < (select coalesce(sum(bm.gross_fen), 0) from channel_batch_members bm where bm.batch_id = b.id)) as overpaid_batches,
      (select count(*)::int from channel_batches b where b.source = 'sum'
         and b.gross_fen <> (select coalesce(sum(bm.gross_fen), 0) from channel_batch_members bm where bm.batch_id = b.id)) as sum_batches_off,
      (select count(*)::int from matches m join settlement_lines l on l.id = m.settlement_line_id
         where m.gross_fen is not null and m.gross_fen - m.fee_fen <> l.amount_fen) as fee_matches_off`,
  );
  return row!;
}

describe(`batch and fee matching properties on ${databaseKind()}`, () => {
  it("every line is accounted for exactly once, no credit pays more than it carries, and matching twice changes nothing", async () => {
    await handle().db.insert(feeRules).values([
      { channel: "pos", ...RULE, appliesTo: "transaction", effectiveFrom: "2026-01-01" },
      { channel: "wechat", ...RULE, appliesTo: "transaction", effectiveFrom: "2026-01-01" },
    ]);
    const seen = { detail: 0, sum: 0, net: 0 };
    await fc.assert(
      fc.asyncProperty(scenarioArb, async (scenario) => {
        await reset();
        await build(scenario);
        const first = await matchSettlements({ timeZone: TZ });
        seen.detail += first.batches?.detailBatches ?? 0;
        seen.sum += first.batches?.sumBatches ?? 0;
        seen.net += first.batches?.netOfFee ?? 0;
        const inv = await invariants();
        expect(inv.matches).toBe(inv.matched_lines);
        expect(inv.matched_lines! + inv.exceptions!).toBe(inv.lines);
        expect(first.exceptions).toBe(inv.exceptions);
        expect(inv).toMatchObject({ receipts_in_two_batches: 0, batches_without_match: 0, overpaid_batches: 0, sum_batches_off: 0, fee_matches_off: 0 });

        const settled = await snapshot();
        const second = await matchSettlements({ timeZone: TZ });
        expect(second).toMatchObject({ reference: 0, remittance: 0, amountDate: 0, posted: 0, batches: { fees: 0, netOfFee: 0, detailBatches: 0, sumBatches: 0 } });
        expect(await snapshot()).toEqual(settled);
      }),
      { numRuns: 20 },
    );
    // the space is small enough that every kind of match happens (or the properties prove little)
    expect(seen.detail).toBeGreaterThan(0);
    expect(seen.sum).toBeGreaterThan(0);
    expect(seen.net).toBeGreaterThan(0);
  }, 300_000);

  it("fee_fen in SQL computes what feeFor computes", async () => {
    const caseArb = fc.record({
      gross: fc.integer({ min: 0, max: 2_000_000_000 }),
      rate: fc.integer({ min: 0, max: 10_000 }),
      rateUnit: fc.constantFrom("bp" as const, "permille" as const),
      rounding: fc.constantFrom<FeeRounding>(...FEE_ROUNDINGS),
      minFen: fc.option(fc.integer({ min: 0, max: 100 })),
      maxFen: fc.option(fc.integer({ min: 100, max: 100_000 })),
    });
    const cases = fc.sample(caseArb, { numRuns: 500, seed: 16 });
    const values = sql.join(cases.map((c, i) => sql`(${i}::int, ${c.gross}::bigint, ${c.rate}::int, ${c.rateUnit}::text, ${c.rounding}::text, ${c.minFen}::bigint, ${c.maxFen}::bigint)`), sql`, `);
    const rows = await queryRows<{ i: number; fee: string | number }>(handle().db, sql`select v.i, fee_fen(v.g, v.r, v.u, v.o, v.mn, v.mx) as fee from (values ${values}) as v(i, g, r, u, o, mn, mx) order by v.i`);
    expect(rows.map((r) => Number(r.fee))).toEqual(cases.map((c) => feeFor(c.gross, c)));
  });
});
