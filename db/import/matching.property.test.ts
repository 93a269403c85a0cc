import fc from "fast-check";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { withLuhnDigit } from "@/lib/receipt-number";
import { bytesOf } from "@/lib/statements/decode";
import { RECEIPT_COLUMNS } from "@/lib/statements/receipts-csv";
import { clearMatchingStore, databaseKind, setupTestDatabase } from "../testing/test-db";
import { importReceiptsFile } from "./receipts";
import { importSettlementFile } from "./settlements";
import { queryRows } from "../client";
import { matchSettlements } from "./matching";

/**
 * Properties over random receipts and statement lines drawn from a small
 * space (few amounts, channels and dates), so that every matching method,
 * ambiguity, duplicate and overlap actually happens.
 */

const { handle } = setupTestDatabase();
const TZ = "Asia/Shanghai";
const AMOUNTS = ["25.00", "38.00", "123.45"];
const CHANNELS = ["wechat", "pos"];
const day = (offset: number) => `2026-11-0${3 + offset}`;

const receiptArb = fc.record({
  amount: fc.integer({ min: 0, max: 2 }),
  channel: fc.integer({ min: 0, max: 1 }),
  day: fc.integer({ min: 0, max: 3 }),
  withRef: fc.boolean(),
  status: fc.constantFrom("paid", "sent_to_bank", "unpaid"),
});
const lineArb = fc.oneof(
  fc.record({ kind: fc.constant("ref" as const), receipt: fc.nat(), day: fc.integer({ min: 0, max: 4 }) }),
  fc.record({ kind: fc.constant("remittance" as const), receipt: fc.nat(), amount: fc.integer({ min: 0, max: 2 }), day: fc.integer({ min: 0, max: 4 }) }),
  fc.record({ kind: fc.constant("amount" as const), amount: fc.integer({ min: 0, max: 2 }), channel: fc.integer({ min: 0, max: 1 }), day: fc.integer({ min: 0, max: 6 }) }),
  fc.record({ kind: fc.constant("unknown" as const), amount: fc.integer({ min: 0, max: 2 }), day: fc.integer({ min: 0, max: 6 }) }),
);
const scenarioArb = fc.record({
  receipts: fc.array(receiptArb, { minLength: 1, maxLength: 8 }),
  lines: fc.array(lineArb, { minLength: 1, maxLength: 12 }),
  /** Lines of the first statement that a second, overlapping statement repeats. */
  overlap: fc.nat(),
});

type Scenario = typeof scenarioArb extends fc.Arbitrary<infer T> ? T : never;

function files(s: Scenario, run: number) {
  const numbers = s.receipts.map((_, i) => withLuhnDigit(`20261${String(run).padStart(5, "0")}${String(i).padStart(5, "0")}`));
  const refs = s.receipts.map((r, i) => (r.withRef ? `P${run}-${i}` : ""));
  const receipts = [
    RECEIPT_COLUMNS.join(","),
    ...s.receipts.map((r, i) =>
      [numbers[i], "hukou", "张三", "", AMOUNTS[r.amount], r.status === "unpaid" ? "" : AMOUNTS[r.amount], CHANNELS[r.channel], r.status === "unpaid" ? "" : `${day(r.day)}T10:00:00+08:00`, refs[i], r.status]
        .map((c) => `"${c}"`)
        .join(","),
    ),
  ].join("\n");
  const lines = s.lines.map((l) => {
    const i = "receipt" in l ? l.receipt % s.receipts.length : 0;
    const r = s.receipts[i]!;
    switch (l.kind) {
      case "ref":
        return [refs[i] || `NOREF${run}`, AMOUNTS[r.amount], day(l.day), CHANNELS[r.channel], "", ""];
      case "remittance":
        return ["", AMOUNTS[l.amount], day(l.day), CHANNELS[r.channel], "", `缴费 ${numbers[i]}`];
      case "amount":
        return ["", AMOUNTS[l.amount], day(l.day), CHANNELS[l.channel], "", ""];
      case "unknown":
        return [`X${run}`, AMOUNTS[l.amount], day(l.day), "counter", "", "?"];
    }
  });
  const csv = (rows: (string | undefined)[][]) => ["bank_ref,amount,value_date,channel,payer_account,remittance", ...rows.map((r) => r.map((c) => `"${c}"`).join(","))].join("\n");
  const cut = s.overlap % (lines.length + 1);
  return { receipts, first: csv(lines), second: csv([...lines.slice(cut), ...lines.slice(0, cut)].slice(0, Math.max(1, lines.length - 1)).concat([[`NEW${run}`, "1.00", day(0), "wechat", "", ""]])) };
}

const file = (content: string, name: string) => ({ name, open: () => bytesOf(content, 97) });

async function snapshot() {
  const d = handle().db;
  return Promise.all(
    ["receipts", "settlement_batches", "settlement_lines", "matches"].map((table) =>
      queryRows(d, sql`select count(*)::int as n, md5(string_agg(t::text, '|' order by t::text)) as h from ${sql.identifier(table)} t`),
    ),
  );
}

async function lineAccounting() {
  const [row] = await queryRows<{ lines: number; matched: number; matches: number; exceptions: number }>(
    handle().db,
    sql`select (select count(*)::int from settlement_lines) as lines,
               (select count(distinct settlement_line_id)::int from matches) as matched,
               (select count(*)::int from matches) as matches,
               (select count(*)::int from settlement_lines l where not exists (select 1 from matches m where m.settlement_line_id = l.id)) as exceptions`,
  );
  return row!;
}

let run = 0;

describe(`matching properties on ${databaseKind()}`, () => {
  it("every line ends matched exactly once or as an exception; matching and importing again change nothing", async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, async (scenario) => {
        await clearMatchingStore(handle().db);
        const f = files(scenario, ++run);
        await importReceiptsFile(file(f.receipts, "r.csv"), { timeZone: TZ });
        await importSettlementFile(file(f.first, "s1.csv"), { format: "csv", timeZone: TZ });
        await importSettlementFile(file(f.second, "s2.csv"), { format: "csv", timeZone: TZ });

        const accounting = await lineAccounting();
        expect(accounting.matches).toBe(accounting.matched);
        expect(accounting.matched + accounting.exceptions).toBe(accounting.lines);

        const settled = await snapshot();
        expect(await matchSettlements({ timeZone: TZ })).toMatchObject({ reference: 0, remittance: 0, amountDate: 0, posted: 0 });
        expect(await snapshot()).toEqual(settled);

        expect((await importSettlementFile(file(f.first, "s1.csv"), { format: "csv", timeZone: TZ })).alreadyImported).toBe(true);
        await importReceiptsFile(file(f.receipts, "r.csv"), { timeZone: TZ });
        expect(await snapshot()).toEqual(settled);
      }),
      { numRuns: 12 },
    );
  }, 300_000);
});
