import { cpus, loadavg } from "node:os";
import { sql } from "drizzle-orm";
import { closeDb, db, openDatabase, queryRows, replaceDbHandle } from "@/db/client";
import { matchSettlements } from "@/db/import/matching";
import { migrateDatabase } from "@/db/migrate";
import { scratchDatabase } from "./bench-db";

/**
 * npm run bench:import -- --scenario batch [--terminals 1000] [--per-terminal 200]
 *
 * Issue 16's batch scenario: T POS terminals × P card payments in one day (amounts drawn from the
 * usual public fees, times through the day, masked-looking payer names), the acquirer's fee on all
 * (0.6 %, min ¥0.01, max ¥50 per transaction), a settlement detail file (清算明细) for half the
 * terminals, and one bank credit per terminal the next day, net of the fee, its text naming the
 * terminal (and the batch number, where a detail file exists). Then matching, timed.
 *
 * The comparison, in a fresh database of its own: the same T × P receipts and fee rule, each paid
 * by a line of its own net of the fee (found by reference), matched one to one. Prints both times and their ratio (target ≤ 1.5×),
 * with the machine's load: compare only the ratio of one run.
 */

const TZ = "Asia/Shanghai";
const FEES = "array[2500, 3000, 5000, 8000, 12000, 20000, 35000, 1230, 123450, 268000]::bigint[]";
const NAMES = "array['张伟','王芳','李娜','刘洋','陈静','杨磊','赵敏','黄强','周杰','吴霞','欧阳晓明','司马南']";

export async function benchBatches(args: string[]): Promise<void> {
  const option = (name: string) => (args.indexOf(name) >= 0 ? args[args.indexOf(name) + 1] : undefined);
  const terminals = Number(option("--terminals") ?? 1000);
  const perTerminal = Number(option("--per-terminal") ?? 200);
  const n = terminals * perTerminal;
  console.error(`batch scenario: ${terminals} terminals × ${perTerminal} payments = ${n.toLocaleString("en")} receipts; load ${loadavg()[0]!.toFixed(1)}`);

  const batch = await inScratch("batch", async () => {
    await seedReceipts(n, perTerminal);
    await db().execute(sql`insert into fee_rules (channel, rate, rate_unit, rounding, min_fen, max_fen, applies_to, effective_from) values ('pos', 60, 'bp', 'half_up', 1, 5000, 'transaction', '2026-01-01')`);
    await db().execute(sql.raw(`
      insert into settlement_batches (file_hash, file_name, format) values ('bench-detail', 'detail', 'csv'), ('bench-bank', 'bank', 'csv');
      -- the detail file: terminals of even number
      insert into settlement_detail_lines (file_hash, line_key, channel, terminal_id, batch_no, batch_date, receipt_ref, gross_fen, fee_fen, net_fen)
      select 'bench-detail', 'd' || r.id, 'pos', r.terminal_id, 'B' || substr(r.terminal_id, 2), date '2026-12-03', r.receipt_no, r.amount_due_fen,
             fee_fen(r.amount_due_fen, 60, 'bp', 'half_up', 1, 5000), r.amount_due_fen - fee_fen(r.amount_due_fen, 60, 'bp', 'half_up', 1, 5000)
      from receipts r where substr(r.terminal_id, 2)::int % 2 = 0;
      -- one credit per terminal, net of the fee, the next day
      insert into settlement_lines (batch_id, line_key, bank_ref, amount_fen, value_date, channel, payer_account, remittance)
      select (select id from settlement_batches where file_hash = 'bench-bank'), 'c' || t.terminal_id, 'POS' || t.terminal_id || '20261204',
             t.gross - t.fee, date '2026-12-04', 'pos', null,
             case when substr(t.terminal_id, 2)::int % 2 = 0 then '银联POS清算 批次号B' || substr(t.terminal_id, 2) || ' 终端' || t.terminal_id || ' 20261203'
                  else '银联POS清算 终端号' || t.terminal_id || ' 交易日期20261203' end
      from (select terminal_id, sum(amount_due_fen) as gross, sum(fee_fen(amount_due_fen, 60, 'bp', 'half_up', 1, 5000)) as fee from receipts group by terminal_id) t;
    `));
    return timeMatching();
  });
  const oneToOne = await inScratch("one_to_one", async () => {
    await seedReceipts(n, perTerminal);
    await db().execute(sql`insert into fee_rules (channel, rate, rate_unit, rounding, min_fen, max_fen, applies_to, effective_from) values ('pos', 60, 'bp', 'half_up', 1, 5000, 'transaction', '2026-01-01')`);
    await db().execute(sql.raw(`
      insert into settlement_batches (file_hash, file_name, format) values ('bench-bank', 'bank', 'csv');
      insert into settlement_lines (batch_id, line_key, bank_ref, amount_fen, value_date, channel, payer_account, remittance)
      select (select id from settlement_batches where file_hash = 'bench-bank'), 'l' || r.id, r.bank_ref, r.amount_due_fen - fee_fen(r.amount_due_fen, 60, 'bp', 'half_up', 1, 5000), date '2026-12-04', 'pos', '6222****' || lpad((r.id % 10000)::text, 4, '0'), 'POS消费 ' || r.receipt_no
      from receipts r;
    `));
    return timeMatching();
  });
  const load = loadavg()[0]!.toFixed(1);
  console.log(`batch scenario (${terminals} terminals × ${perTerminal} payments, detail files for half, fees on all; machine load ${load} on ${cpus().length} cores — compare ratios of one run)`);
  console.log(`  batch matching:      ${secs(batch.ms)}  (${batch.summary})`);
  console.log(`  one-to-one matching: ${secs(oneToOne.ms)}  (${oneToOne.summary})`);
  console.log(`  ratio batch / one-to-one: ${(batch.ms / oneToOne.ms).toFixed(2)}× (target ≤ 1.5×)`);
}


async function seedReceipts(n: number, perTerminal: number) {
  // Receipts of one day at the terminals, amounts from the usual fees, each with the acquirer's reference.
  await db().execute(sql.raw(`
    insert into receipts (receipt_no, service, payer_name, payer_phone, amount_due_fen, amount_paid_fen, channel, paid_at, bank_ref, terminal_id, billing_status)
    select '2026120' || lpad(g::text, 9, '0'), (array['hukou','medical_insurance','tax','other'])[1 + g % 4], (${NAMES})[1 + (g * 7) % 12],
           '139' || lpad((g % 100000000)::text, 8, '0'), f.fee, f.fee, 'pos',
           timestamptz '2026-12-03 08:30:00+08' + ((g * 37) % 36000) * interval '1 second',
           'UP' || lpad(g::text, 12, '0'), 'T' || lpad((g / ${perTerminal})::text, 7, '0'), 'paid'
    from generate_series(0, ${n - 1}) g, lateral (select (${FEES})[1 + abs(('x' || substr(md5(g::text), 1, 8))::bit(32)::int) % 10] as fee) f;
    analyze receipts;
  `));
}

async function timeMatching(): Promise<{ ms: number; summary: string }> {
  await db().execute(sql`analyze`);
  const started = performance.now();
  const m = await matchSettlements({ timeZone: TZ, analyze: true, onPhase: (phase, ms) => console.error(`  ${phase}: ${secs(ms)}`) });
  const ms = performance.now() - started;
  const [posted] = await queryRows<{ n: number }>(db(), sql`select count(distinct receipt_id)::int as n from receipt_credits`);
  return {
    ms,
    summary: `${m.reference} by reference, ${m.remittance} by text, ${m.amountDate} by amount+date, batch credits ${m.batches?.detailBatches ?? 0} by detail file + ${m.batches?.sumBatches ?? 0} by terminal day; receipts credited ${posted!.n}; exceptions ${m.exceptions}`,
  };
}

async function inScratch<T>(name: string, run: () => Promise<T>): Promise<T> {
  const database = await scratchDatabase(`paystatus_bench_${name}_${process.pid}`);
  try {
    const handle = openDatabase({ url: database.url });
    replaceDbHandle(handle);
    await migrateDatabase(handle);
    return await run();
  } finally {
    await closeDb();
    await database.drop();
  }
}

const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
