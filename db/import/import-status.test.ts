import { describe, expect, it } from "vitest";
import { withLuhnDigit } from "@/lib/receipt-number";
import { bytesOf } from "@/lib/statements/decode";
import { RECEIPT_COLUMNS } from "@/lib/statements/receipts-csv";
import { databaseKind, setupTestDatabase } from "../testing/test-db";
import { importReceiptsFile } from "./receipts";
import { importSettlementFile } from "./settlements";
import type { FileSource } from "./source";
import { publicStatus } from "../queries/status";

/**
 * Issue 4: every SPEC §2.1 status is reachable from imported files (not only
 * from the demo seed), with the code and the expected date the status page
 * puts in data-status and data-expected-date.
 */
setupTestDatabase();
const TZ = "Asia/Shanghai";
const NOW = new Date("2026-11-20T10:00:00+08:00"); // a Friday

let serial = 0;
const receiptNo = () => withLuhnDigit(`2026130${String(process.pid % 1000).padStart(3, "0")}${String(++serial).padStart(5, "0")}`);
const file = (content: string, name: string): FileSource => ({ name, open: () => bytesOf(content, 1024) });

type Row = { due: string; paid: string; channel: string; paidAt: string; billing: string; bankRef?: string };
type Case = { name: string; row?: Row; lines?: { amount: string; date: string; account: string }[]; expected: Record<string, unknown> | null };

const cases: Case[] = [
  {
    name: "posted",
    row: { due: "25.00", paid: "25.00", channel: "wechat", paidAt: "2026-11-17T10:00:00+08:00", billing: "paid" },
    lines: [{ amount: "25.00", date: "2026-11-18", account: "6222000000000001" }],
    expected: { code: "posted", postedOn: "2026-11-18", amountFen: 2500 },
  },
  {
    name: "pending (paid this morning, T+1)",
    row: { due: "380.00", paid: "380.00", channel: "online_bank", paidAt: "2026-11-20T09:00:00+08:00", billing: "paid" },
    expected: { code: "pending", expectedDate: "2026-11-23" },
  },
  {
    name: "awaiting_bank (sent to the bank 10 minutes ago, 30-minute lock)",
    row: { due: "380.00", paid: "380.00", channel: "pos", paidAt: "2026-11-20T09:50:00+08:00", billing: "sent_to_bank" },
    expected: { code: "awaiting_bank", retryAtLocal: "10:20" },
  },
  {
    name: "pending (sent to the bank, lock window over)",
    row: { due: "380.00", paid: "380.00", channel: "pos", paidAt: "2026-11-20T09:00:00+08:00", billing: "sent_to_bank" },
    expected: { code: "pending", expectedDate: "2026-11-23" },
  },
  {
    name: "overdue (SPEC example: paid 2026-09-30 18:00 online, expected 2026-10-09)",
    row: { due: "1,234.50", paid: "1,234.50", channel: "online_bank", paidAt: "2026-09-30T18:00:00+08:00", billing: "paid" },
    expected: { code: "overdue", expectedDate: "2026-10-09" },
  },
  {
    name: "amount_mismatch",
    row: { due: "25.00", paid: "20.00", channel: "counter", paidAt: "2026-11-16T10:00:00+08:00", billing: "paid" },
    lines: [{ amount: "20.00", date: "2026-11-17", account: "6222000000000002" }],
    expected: { code: "amount_mismatch", dueFen: 2500, settledFen: 2000, differenceFen: 500 },
  },
  {
    name: "duplicate",
    row: { due: "25.00", paid: "25.00", channel: "wechat", paidAt: "2026-11-16T10:00:00+08:00", billing: "paid" },
    lines: [
      { amount: "25.00", date: "2026-11-17", account: "6222000000000003" },
      { amount: "25.00", date: "2026-11-18", account: "6222000000000004" },
    ],
    expected: { code: "duplicate", settlementCount: 2, refundableFen: 2500 },
  },
  {
    name: "refund_pending",
    row: { due: "50.00", paid: "50.00", channel: "wechat", paidAt: "2026-11-10T10:00:00+08:00", billing: "refund_pending" },
    expected: { code: "refund_pending", refundFen: 5000 },
  },
  {
    name: "refunded",
    row: { due: "50.00", paid: "50.00", channel: "alipay", paidAt: "2026-11-05T10:00:00+08:00", billing: "refunded" },
    expected: { code: "refunded", refundFen: 5000 },
  },
  {
    name: "unpaid",
    row: { due: "88.00", paid: "", channel: "counter", paidAt: "", billing: "unpaid" },
    expected: { code: "unpaid" },
  },
  {
    name: "voided",
    row: { due: "25.00", paid: "25.00", channel: "cash", paidAt: "2026-11-12T10:00:00+08:00", billing: "voided" },
    expected: { code: "voided" },
  },
  // A valid number the billing system never sent: the page shows not_found (through a signed QR link).
  { name: "not_found", expected: null },
];

describe(`statuses from imported files on ${databaseKind()}`, () => {
  const numbered = cases.map((c) => ({ ...c, receiptNo: receiptNo() }));

  it("imports one receipts file and one statement that between them reach every status", async () => {
    const withRows = numbered.filter((c) => c.row);
    const receiptsCsv = [
      RECEIPT_COLUMNS.join(","),
      ...withRows.map(({ receiptNo: no, row }) =>
        [no, "hukou", "张三", "13800001111", row!.due, row!.paid, row!.channel, row!.paidAt, `REF-${no}`, row!.billing].map((cell) => `"${cell}"`).join(","),
      ),
    ].join("\n");
    expect(await importReceiptsFile(file(`${receiptsCsv}\n`, "receipts.csv"), { timeZone: TZ })).toMatchObject({ read: withRows.length, inserted: withRows.length, rejectedCount: 0 });

    const statement = [
      "bank_ref,amount,value_date,channel,payer_account,remittance",
      ...numbered.flatMap(({ receiptNo: no, row, lines }) => (lines ?? []).map((l) => [`REF-${no}`, l.amount, l.date, row!.channel, l.account, ""].join(","))),
    ].join("\r\n");
    const summary = await importSettlementFile(file(`${statement}\r\n`, "statement.csv"), { format: "csv", timeZone: TZ });
    expect(summary).toMatchObject({ read: 4, inserted: 4, exceptions: 0 });
  });

  it.each(numbered.map((c) => [c.name, c] as const))("%s", async (_name, { receiptNo: no, expected }) => {
    const result = await publicStatus(no, { now: NOW, timeZone: TZ });
    if (expected === null) {
      expect(result).toBeNull();
      return;
    }
    expect(result?.status).toMatchObject(expected);
    // Only pending and overdue (expected posting date) and refund_pending (expected refund date) carry a date to show.
    const hasDate = "expectedDate" in (result?.status ?? {});
    expect(hasDate).toBe(["pending", "overdue", "refund_pending"].includes(expected.code as string));
  });

  it("covers every status code", () => {
    expect(new Set(numbered.map((c) => (c.expected?.code as string | undefined) ?? "not_found")).size).toBe(11);
  });
});
