import fc from "fast-check";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { withLuhnDigit } from "@/lib/receipt-number";
import { bytesOf } from "@/lib/statements/decode";
import { RECEIPT_COLUMNS } from "@/lib/statements/receipts-csv";
import { databaseKind, setupTestDatabase } from "../testing/test-db";
import { queryRows } from "../client";
import { publicStatus } from "../queries/status";
import { importReceiptsFile } from "./receipts";
import { importSettlementFile } from "./settlements";
import { matchSettlements } from "./matching";

/**
 * Properties over random credits, part payments and reversals (issue 16), read from MT940 statements
 * (`:61:` C for a credit, RC for the return of one), several statements in turn. Some receipts carry a
 * POS terminal id (the receipts file's terminal_id column); a `batch` credit names the terminal and pays
 * the sum of its receipts of the day (an inferred batch), and `reverse_batch` returns it.
 */

const { handle } = setupTestDatabase();
const TZ = "Asia/Shanghai";
const NOW = new Date("2026-11-20T12:00:00+08:00");
const DUE = [2500, 3800, 12000];

const opArb = fc.record({
  receipt: fc.nat(),
  kind: fc.constantFrom("full" as const, "half" as const, "reverse_full" as const, "reverse_half" as const, "batch" as const, "reverse_batch" as const),
  file: fc.integer({ min: 0, max: 2 }),
});
const scenarioArb = fc.record({
  receipts: fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 1, maxLength: 5 }),
  /** Receipt i was taken on the terminal when terminals[i]. */
  terminals: fc.array(fc.boolean(), { maxLength: 5 }),
  ops: fc.array(opArb, { minLength: 1, maxLength: 14 }),
});
type Scenario = typeof scenarioArb extends fc.Arbitrary<infer T> ? T : never;

const yuan = (fen: number) => `${Math.floor(fen / 100)},${String(fen % 100).padStart(2, "0")}`;
let run = 0;

function receiptsCsv(s: Scenario, r: number) {
  const numbers = s.receipts.map((_, i) => withLuhnDigit(`20269${String(r).padStart(5, "0")}${String(i).padStart(5, "0")}`));
  const csv = [
    [...RECEIPT_COLUMNS, "terminal_id"].join(","),
    ...s.receipts.map((d, i) =>
      [numbers[i], "hukou", "张三", "", (DUE[d]! / 100).toFixed(2), (DUE[d]! / 100).toFixed(2), "online_bank", "2026-11-03T10:00:00+08:00", `P${r}-${i}`, "paid", s.terminals[i] ? `TM${r}` : ""].join(","),
    ),
  ].join("\n");
  return { numbers, csv };
}

type Entry = { reversal: boolean; amountFen: number; ref: string; text?: string };
/** One MT940 statement; its value date is its own, so a credit repeated in a later statement is a new credit. */
function mt940(r: number, file: number, entries: Entry[]) {
  const date = `2611${String(4 + file).padStart(2, "0")}`;
  const lines = entries.flatMap((e) => [`:61:${date}${date.slice(2)}${e.reversal ? "RC" : "C"}${yuan(e.amountFen)}NTRF${e.ref}`, `:86:/REMI/${e.text ?? (e.reversal ? "RETURN" : "PAYMENT")}`]);
  return [`:20:S${r}-${file}`, ":25:110000000000001", ":28C:1/1", ":60F:C261103CNY0,00", ...lines, ":62F:C261130CNY0,00", "-}", ""].join("\r\n");
}

/** The terminal's receipts of the day, summed: what its batch credit carries (0: no receipt on the terminal). */
const batchFen = (s: Scenario) => s.receipts.reduce((sum, d, i) => sum + (s.terminals[i] ? DUE[d]! : 0), 0);
const batchText = (r: number) => `POS TM${r}`;

function entriesOf(s: Scenario, r: number, file: number): Entry[] {
  return s.ops
    .filter((o) => o.file === file && (!o.kind.endsWith("batch") || batchFen(s) > 0))
    .map((o) => {
      if (o.kind.endsWith("batch")) return { reversal: o.kind === "reverse_batch", amountFen: batchFen(s), ref: `B${r}`, text: o.kind === "batch" ? batchText(r) : undefined };
      const i = o.receipt % s.receipts.length;
      const due = DUE[s.receipts[i]!]!;
      return { reversal: o.kind.startsWith("reverse"), amountFen: o.kind.endsWith("half") ? due / 2 : due, ref: `P${r}-${i}` };
    });
}

const file = (content: string, name: string) => ({ name, open: () => bytesOf(content, 97) });
const importStatement = (content: string, name: string) => importSettlementFile(file(content, name), { format: "mt940", timeZone: TZ });

async function accounting() {
  const [row] = await queryRows<{ lines: number; matched: number; matches: number; paired: number; pairs: number; exceptions: number; reversal_matched: number; twice: number }>(
    handle().db,
    sql`select (select count(*)::int from settlement_lines) as lines,
               (select count(distinct settlement_line_id)::int from matches) as matched,
               (select count(*)::int from matches) as matches,
               (select count(*)::int from match_reversals) as pairs,
               (select count(*)::int from settlement_lines l where exists (select 1 from match_reversals v where v.original_line_id = l.id or v.reversal_line_id = l.id)) as paired,
               (select count(*)::int from settlement_lines l where not exists (select 1 from matches m where m.settlement_line_id = l.id)
                  and not exists (select 1 from match_reversals v where v.original_line_id = l.id or v.reversal_line_id = l.id)) as exceptions,
               (select count(*)::int from matches m join settlement_lines l on l.id = m.settlement_line_id where l.reversal) as reversal_matched,
               (select count(*)::int from matches m join match_reversals v on v.original_line_id = m.settlement_line_id or v.reversal_line_id = m.settlement_line_id) as twice`,
  );
  return row!;
}

/** Derived status of every receipt with the amounts matched to it: what a resident and a clerk see. */
async function statuses(numbers: string[]) {
  const out: unknown[] = [];
  for (const no of numbers) {
    const s = await publicStatus(no, { now: NOW, timeZone: TZ }, handle().db);
    out.push({ no, status: s?.status });
  }
  return out;
}

async function store() {
  return queryRows(handle().db, sql`select settlement_line_id, receipt_id, method from matches order by settlement_line_id`);
}

async function reset() {
  const d = handle().db;
  for (const table of ["ticket_events", "tickets", "match_reversals", "matches", "channel_batch_members", "channel_batches", "settlement_lines", "settlement_batches", "receipts"]) await d.execute(sql`delete from ${sql.identifier(table)}`);
}

async function load(s: Scenario) {
  const r = ++run;
  const { numbers, csv } = receiptsCsv(s, r);
  await importReceiptsFile(file(csv, "r.csv"), { timeZone: TZ });
  for (const f of [0, 1, 2]) {
    const entries = entriesOf(s, r, f);
    if (entries.length > 0) await importStatement(mt940(r, f, entries), `s${f}.sta`);
  }
  return { r, numbers };
}

describe(`reversal and part-payment properties on ${databaseKind()}`, () => {
  it("every line is matched, paired with a reversal, or an exception — exactly one; no reversal is matched; matching again changes nothing", async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, async (scenario) => {
        await reset();
        const { numbers } = await load(scenario);
        const a = await accounting();
        expect(a.matches).toBe(a.matched);
        expect(a.paired).toBe(2 * a.pairs);
        expect(a.twice).toBe(0);
        expect(a.reversal_matched).toBe(0);
        expect(a.matched + a.paired + a.exceptions).toBe(a.lines);

        // No credit pays more than one receipt (the unique line index), and a receipt's credits never sum past
        // what its own lines carried: every matched amount is a line's own amount.
        const [over] = await queryRows<{ n: number }>(handle().db, sql`select count(*)::int as n from (select settlement_line_id from matches group by 1 having count(*) > 1) x`);
        expect(over!.n).toBe(0);

        const before = { store: await store(), statuses: await statuses(numbers) };
        expect(await matchSettlements({ timeZone: TZ })).toMatchObject({ reversals: 0, reference: 0, remittance: 0, amountDate: 0, posted: 0 });
        expect({ store: await store(), statuses: await statuses(numbers) }).toEqual(before);
      }),
      { numRuns: 10 },
    );
  }, 300_000);

  it("a reversal followed by its original credit restores the exact previous state, in one statement or two", async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, fc.nat(), fc.boolean(), async (scenario, pick, together) => {
        await reset();
        const { r, numbers } = await load(scenario);
        const before = { store: await store(), statuses: await statuses(numbers) };
        // A credit of an amount no statement above carries (a quarter of the amount due), so the reversal has nothing to pair with until it comes.
        const i = pick % scenario.receipts.length;
        const quarter = { amountFen: DUE[scenario.receipts[i]!]! / 4, ref: `P${r}-${i}` };
        if (together) {
          await importStatement(mt940(r, 6, [{ ...quarter, reversal: true }, { ...quarter, reversal: false }]), "both.sta");
        } else {
          await importStatement(mt940(r, 6, [{ ...quarter, reversal: true }]), "reversal.sta");
          expect((await accounting()).exceptions).toBeGreaterThan(0);
          await importStatement(mt940(r, 6, [{ ...quarter, reversal: false }]).replace(`:20:S${r}-6`, `:20:S${r}-6b`), "credit.sta");
        }
        expect({ store: await store(), statuses: await statuses(numbers) }).toEqual(before);
        const a = await accounting();
        expect(a.matched + a.paired + a.exceptions).toBe(a.lines);
      }),
      { numRuns: 8 },
    );
  }, 300_000);

  it("a returned credit paid again restores every receipt's status and amounts", async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, fc.nat(), async (scenario, pick) => {
        await reset();
        const { r, numbers } = await load(scenario);
        const matched = await queryRows<{ amount_fen: string | number; bank_ref: string; remittance: string | null; batch_id: string | number | null }>(
          handle().db,
          sql`select l.amount_fen, l.bank_ref, l.remittance, m.batch_id from matches m join settlement_lines l on l.id = m.settlement_line_id order by l.id`,
        );
        if (matched.length === 0) return;
        // A credit left over as an exception would take the receipt once the matched one is returned (and the credit paid
        // again then makes it a duplicate): that is right, but it is another property.
        const [spare] = await queryRows<{ n: number }>(
          handle().db,
          sql`select count(*)::int as n from settlement_lines l where not l.reversal and not exists (select 1 from matches m where m.settlement_line_id = l.id)
                and not exists (select 1 from match_reversals v where v.original_line_id = l.id or v.reversal_line_id = l.id)`,
        );
        fc.pre(spare!.n === 0);
        const line = matched[pick % matched.length]!;
        // Nor is it when the credit to return was found without a reference and its receipt has another credit: paid again, the
        // credit names nothing that is still open, and stays an exception for a clerk.
        const [shared] = await queryRows<{ n: number }>(
          handle().db,
          sql`select count(*)::int as n from matches m join receipt_credits c on c.receipt_id = m.receipt_id and c.settlement_line_id <> m.settlement_line_id
                join settlement_lines l on l.id = m.settlement_line_id where l.bank_ref = ${line.bank_ref} and m.method <> 'reference'`,
        );
        fc.pre(shared!.n === 0);
        // Nor when amount and date gave the credit to a receipt its text does not name (a terminal's batch credit left over
        // once the terminal's receipt was paid by its own credit): paid again a week later, past the window, nothing names
        // that receipt, and the credit is an exception for a clerk. A terminal's credit of one receipt is still covered.
        const [unnamed] = await queryRows<{ n: number }>(
          handle().db,
          sql`select count(*)::int as n from matches m join receipts r on r.id = m.receipt_id join settlement_lines l on l.id = m.settlement_line_id
                where l.bank_ref = ${line.bank_ref} and m.method = 'amount_date'
                  and (r.terminal_id is null or coalesce(l.remittance, '') not like '%' || r.terminal_id || '%')`,
        );
        fc.pre(unnamed!.n === 0);
        const before = (await statuses(numbers)) as { status: { code: string } }[];
        const again = { amountFen: Number(line.amount_fen), ref: line.bank_ref };
        const [members] = await queryRows<{ n: number }>(handle().db, sql`select count(*)::int as n from channel_batch_members where batch_id = ${line.batch_id}`);
        await importStatement(mt940(r, 7, [{ ...again, reversal: true }]), "return.sta");
        const [undone] = await queryRows<{ n: number }>(handle().db, sql`select count(*)::int as n from match_reversals where (receipt_id is not null or batch_id is not null) and reversal_line_id in (select id from settlement_lines where reversal and value_date = '2026-11-11')`);
        expect(undone!.n).toBe(1);
        if (line.batch_id !== null) {
          // no member is paid by the returned batch any more, and each has its own audit row
          const [shares] = await queryRows<{ n: number }>(handle().db, sql`select count(*)::int as n from receipt_credits where batch_id = ${line.batch_id}`);
          expect(shares!.n).toBe(0);
          expect(members!.n).toBeGreaterThan(0);
          const [audited] = await queryRows<{ n: number }>(handle().db, sql`select count(*)::int as n from audit_events where action = 'match.reverse' and detail->>'batchId' = ${String(line.batch_id)}`);
          expect(audited!.n).toBe(members!.n);
        }
        // The same credit again, remittance text included. A terminal's credit of one receipt was an amount-and-date match; paid a
        // week later, past that window, it is found by the terminal it names, as a batch of one (which shows its batch date).
        await importStatement(mt940(r, 8, [{ ...again, reversal: false, text: line.remittance ?? undefined }]), "again.sta");
        const after = (await statuses(numbers)) as { status: { code: string } }[];
        // The credit came back on another day: the status and amounts are those before; a posting date, and so the order of the payments, may be new.
        const strip = (s: { status: { code: string; payments?: { amountFen: number }[] } }[]) =>
          s.map((x) => JSON.stringify({ ...x, status: { ...x.status, payments: x.status.payments?.map((p) => p.amountFen).sort((a, b) => a - b) } }, (k, v: unknown) => (k === "postedOn" || (k === "batchDate" && line.batch_id === null) ? undefined : v)));
        expect(strip(after)).toEqual(strip(before));
      }),
      { numRuns: 8 },
    );
  }, 300_000);

  it("a returned batch credit sends every member back to waiting, audited; matching again changes nothing; paid again, every status is restored", async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, fc.nat(), async (generated, pick) => {
        await reset();
        // at least two receipts on the terminal (a batch of one is an amount-and-date match); the terminal's receipts have no
        // credit of their own, and the batch credit comes first
        const receipts = generated.receipts.length >= 2 ? generated.receipts : [...generated.receipts, 0];
        const terminals = receipts.map((_, i) => generated.terminals[i] ?? false);
        terminals[pick % terminals.length] = true;
        terminals[(pick + 1) % terminals.length] = true;
        const ops = generated.ops.filter((o) => !o.kind.endsWith("batch") && !terminals[o.receipt % receipts.length]);
        const scenario = { ...generated, receipts, terminals, ops: [{ receipt: 0, kind: "batch" as const, file: 0 }, ...ops] };
        const { r, numbers } = await load(scenario);
        const [batch] = await queryRows<{ id: string | number; members: number }>(
          handle().db,
          sql`select b.id, b.member_count as members from channel_batches b join settlement_lines l on l.id = b.settlement_line_id where l.bank_ref = ${`B${r}`}`,
        );
        expect(batch!.members).toBe(terminals.filter(Boolean).length);
        const before = (await statuses(numbers)) as { status: { code: string } }[];
        expect(before.filter((_, i) => terminals[i]).map((x) => x.status.code)).toEqual(terminals.filter(Boolean).map(() => "posted"));

        await importStatement(mt940(r, 7, [{ reversal: true, amountFen: batchFen(scenario), ref: `B${r}` }]), "return.sta");
        const returned = (await statuses(numbers)) as { status: { code: string } }[];
        for (const [i, x] of returned.entries()) expect(x.status.code === "posted").toBe(terminals[i] ? false : before[i]!.status.code === "posted");
        const [audited] = await queryRows<{ n: number }>(handle().db, sql`select count(*)::int as n from audit_events where action = 'match.reverse' and detail->>'batchId' = ${String(batch!.id)}`);
        expect(audited!.n).toBe(batch!.members);
        const a = await accounting();
        expect(a.matched + a.paired + a.exceptions).toBe(a.lines);
        const settled = { store: await store(), statuses: await statuses(numbers) };
        expect(await matchSettlements({ timeZone: TZ })).toMatchObject({ reversals: 0, reference: 0, remittance: 0, amountDate: 0, posted: 0 });
        expect({ store: await store(), statuses: await statuses(numbers) }).toEqual(settled);

        await importStatement(mt940(r, 8, [{ reversal: false, amountFen: batchFen(scenario), ref: `B${r}b`, text: batchText(r) }]), "again.sta");
        const strip = (list: unknown[]) => JSON.stringify(list, (k, v: unknown) => (k === "postedOn" ? undefined : v));
        expect(strip(await statuses(numbers))).toEqual(strip(before));
      }),
      { numRuns: 8 },
    );
  }, 300_000);
});
