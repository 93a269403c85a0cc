import { sql, type SQL } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { withLuhnDigit } from "@/lib/receipt-number";
import { databaseKind, setupTestDatabase } from "./testing/test-db";

/**
 * The bulk tables' references (receipts → services, channels; settlement_lines
 * → settlement_batches, channels; matches → settlement_lines, receipts) are
 * checked once per statement by triggers (migration 0007) instead of by
 * per-row foreign keys. Every writer still gets the foreign keys' guarantees.
 */

const { handle } = setupTestDatabase();

let serial = 0;
const receiptNo = () => withLuhnDigit(`20268800000${String(++serial).padStart(4, "0")}`);
const receiptRow = (channel = "wechat", service = "hukou") =>
  sql`(${receiptNo()}, ${service}, '张三', 2500, ${channel}, 'paid')`;
const insertReceipts = (...rows: SQL[]) =>
  sql`insert into receipts (receipt_no, service, payer_name, amount_due_fen, channel, billing_status) values ${sql.join(rows, sql`, `)}`;

async function one<T>(query: SQL): Promise<T> {
  const result: unknown = await handle().db.execute(query);
  return ((Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[])[0]!;
}

/** The SQLSTATE of a refused statement (postgres.js and PGlite errors, as drizzle may wrap them). */
async function refusal(query: SQL): Promise<string> {
  try {
    await handle().db.execute(query);
  } catch (error) {
    const e = error as { code?: unknown; cause?: { code?: unknown } };
    return String(e.cause?.code ?? e.code);
  }
  return "accepted";
}

let receipt: number;
let batch: number;
let line: number;
let matchedReceipt: number;
let matchedLine: number;

beforeAll(async () => {
  receipt = Number((await one<{ id: string }>(sql`${insertReceipts(receiptRow())} returning id`)).id);
  matchedReceipt = Number((await one<{ id: string }>(sql`${insertReceipts(receiptRow("alipay"))} returning id`)).id);
  batch = Number((await one<{ id: string }>(sql`insert into settlement_batches (file_hash, file_name, format) values ('refs-1', 'a.csv', 'csv') returning id`)).id);
  const lineSql = (key: string) =>
    sql`insert into settlement_lines (batch_id, line_key, amount_fen, value_date, channel) values (${batch}, ${key}, 2500, '2026-11-02', 'alipay') returning id`;
  line = Number((await one<{ id: string }>(lineSql("refs-line-1"))).id);
  matchedLine = Number((await one<{ id: string }>(lineSql("refs-line-2"))).id);
  await handle().db.execute(sql`insert into matches (settlement_line_id, receipt_id, method) values (${matchedLine}, ${matchedReceipt}, 'manual')`);
});

describe(`references of the bulk tables on ${databaseKind()}`, () => {
  const FK = "23503";
  const cases: [string, () => SQL, string][] = [
    ["a receipt with a known channel and service", () => insertReceipts(receiptRow()), "accepted"],
    ["a receipt with an unknown channel", () => insertReceipts(receiptRow("carrier_pigeon")), FK],
    ["a receipt with an unknown service", () => insertReceipts(receiptRow("wechat", "parking")), FK],
    ["many receipts of which one has an unknown channel", () => insertReceipts(receiptRow(), receiptRow("carrier_pigeon"), receiptRow()), FK],
    ["a receipt moved to an unknown channel", () => sql`update receipts set channel = 'carrier_pigeon' where id = ${receipt}`, FK],
    ["a receipt moved to another known channel", () => sql`update receipts set channel = 'pos' where id = ${receipt}`, "accepted"],
    [
      "an upsert whose update brings an unknown service",
      () => sql`insert into receipts (receipt_no, service, payer_name, amount_due_fen, channel, billing_status)
                select receipt_no, 'parking', payer_name, amount_due_fen, channel, billing_status from receipts where id = ${receipt}
                on conflict (receipt_no) do update set service = excluded.service`,
      FK,
    ],
    [
      "a line in an unknown batch",
      () => sql`insert into settlement_lines (batch_id, line_key, amount_fen, value_date) values (${batch + 1000}, 'refs-x1', 100, '2026-11-02')`,
      FK,
    ],
    [
      "a line with an unknown channel",
      () => sql`insert into settlement_lines (batch_id, line_key, amount_fen, value_date, channel) values (${batch}, 'refs-x2', 100, '2026-11-02', 'carrier_pigeon')`,
      FK,
    ],
    [
      "a line with no channel",
      () => sql`insert into settlement_lines (batch_id, line_key, amount_fen, value_date, channel) values (${batch}, 'refs-x3', 100, '2026-11-02', null)`,
      "accepted",
    ],
    ["a line moved to an unknown batch", () => sql`update settlement_lines set batch_id = ${batch + 1000} where id = ${line}`, FK],
    ["a match to an unknown receipt", () => sql`insert into matches (settlement_line_id, receipt_id, method) values (${line}, ${receipt + 1000}, 'manual')`, FK],
    ["a match of an unknown line", () => sql`insert into matches (settlement_line_id, receipt_id, method) values (${line + 1000}, ${receipt}, 'manual')`, FK],
    ["a match moved to an unknown receipt", () => sql`update matches set receipt_id = ${receipt + 1000} where settlement_line_id = ${matchedLine}`, FK],
    ["deleting a channel receipts use", () => sql`delete from channels where code = 'alipay'`, FK],
    ["deleting a service receipts use", () => sql`delete from services where code = 'hukou'`, FK],
    ["deleting a batch that has lines", () => sql`delete from settlement_batches where id = ${batch}`, FK],
    ["deleting a matched receipt", () => sql`delete from receipts where id = ${matchedReceipt}`, FK],
    ["deleting a matched line", () => sql`delete from settlement_lines where id = ${matchedLine}`, FK],
    ["renaming a channel", () => sql`update channels set code = 'wechat_pay' where code = 'wechat'`, FK],
    ["changing a receipt's id", () => sql`update receipts set id = id + 1000 where id = ${receipt}`, FK],
    // channel_bill_lines holds a declared foreign key to settlement_lines, which PostgreSQL checks before any trigger: 0A000.
    ["emptying the lines while matches refer to them", () => sql`truncate settlement_lines`, "0A000"],
    ["emptying the batches while lines refer to them", () => sql`truncate settlement_batches`, FK],
    ["a channel's settings changing", () => sql`update channels set lag_days = 2 where code = 'wechat'`, "accepted"],
  ];

  it.each(cases)("%s: %s", async (_, query, expected) => {
    expect(await refusal(query())).toBe(expected);
  });

  it("lets go of what nothing refers to, and then refuses new references to it", async () => {
    await handle().db.execute(sql`insert into channels (code, name_zh, name_en, lag_days, cutoff) values ('courier', '快递', 'Courier', 1, '16:00')`);
    const [a, b] = [receiptNo(), receiptNo()];
    await handle().db.execute(sql`insert into receipts (receipt_no, service, payer_name, amount_due_fen, channel, billing_status) values (${a}, 'tax', '李四', 100, 'courier', 'paid')`);
    expect(await refusal(sql`delete from channels where code = 'courier'`)).toBe(FK);
    await handle().db.execute(sql`delete from receipts where receipt_no = ${a}`);
    expect(await refusal(sql`delete from channels where code = 'courier'`)).toBe("accepted");
    expect(await refusal(sql`insert into receipts (receipt_no, service, payer_name, amount_due_fen, channel, billing_status) values (${b}, 'tax', '李四', 100, 'courier', 'paid')`)).toBe(FK);
  });

  it("keeps a refused statement all or nothing", async () => {
    const before = await one<{ n: number }>(sql`select count(*)::int as n from receipts`);
    expect(await refusal(insertReceipts(receiptRow(), receiptRow(), receiptRow("wechat", "parking")))).toBe(FK);
    expect(await one<{ n: number }>(sql`select count(*)::int as n from receipts`)).toEqual(before);
  });
});

describe.runIf(databaseKind() === "postgres")("references under concurrent writers (PostgreSQL)", () => {
  it("makes a delete wait for a writer in flight, then refuses it when the writer's row refers to what it deletes", async () => {
    const { db } = handle();
    const target = await one<{ id: string }>(sql`${insertReceipts(receiptRow())} returning id`);
    const free = await one<{ id: string }>(
      sql`insert into settlement_lines (batch_id, line_key, amount_fen, value_date) values (${batch}, 'refs-concurrent', 100, '2026-11-02') returning id`,
    );
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let inserted!: () => void;
    const ready = new Promise<void>((resolve) => (inserted = resolve));
    const writer = db.transaction(async (tx) => {
      await tx.execute(sql`insert into matches (settlement_line_id, receipt_id, method) values (${free.id}, ${target.id}, 'manual')`);
      inserted();
      await held;
    });
    await ready;
    const deleting = refusal(sql`delete from receipts where id = ${target.id}`);
    // The delete is waiting on the writer's open transaction, not done.
    const early = await Promise.race([deleting, new Promise((resolve) => setTimeout(() => resolve("waiting"), 300))]);
    release();
    await writer;
    expect(early).toBe("waiting");
    expect(await deleting).toBe("23503");
  });
});
