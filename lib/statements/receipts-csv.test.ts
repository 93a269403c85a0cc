import iconv from "iconv-lite";
import { describe, expect, it } from "vitest";
import { bytesOf } from "./decode";
import { parseReceiptsCsv, RECEIPT_COLUMNS } from "./receipts-csv";
import { collect, containing, fixture, refusal } from "./testing";

const HEADER = RECEIPT_COLUMNS.join(",");
const known = { services: new Set(["hukou", "medical_insurance", "tax"]), channels: new Set(["wechat", "online_bank", "counter", "pos"]) };
const parse = (data: Uint8Array | string, chunk?: number) => parseReceiptsCsv(bytesOf(data, chunk), known);

describe("parseReceiptsCsv", () => {
  it("reads the fixture: BOM, CRLF, quoted commas, spaced receipt numbers, trailing blank lines", async () => {
    const { records, rejected, skipped } = await collect(parse(fixture("receipts.csv")));
    expect(records).toEqual([
      {
        line: 2,
        receiptNo: "2026110500000016",
        service: "hukou",
        payerName: "张三",
        payerPhone: "13800001111",
        amountDueFen: 2500,
        amountPaidFen: 2500,
        channel: "wechat",
        paidAt: new Date("2026-11-03T02:15:00Z"),
        bankRef: "WX20261103001",
        billingStatus: "paid",
        terminalId: null,
      },
      {
        line: 3,
        receiptNo: "2026110500000024",
        service: "medical_insurance",
        payerName: "Smith, Jane",
        payerPhone: null,
        amountDueFen: 123450,
        amountPaidFen: null,
        channel: "online_bank",
        paidAt: null,
        bankRef: null,
        billingStatus: "unpaid",
        terminalId: null,
      },
      expect.objectContaining({ line: 4, receiptNo: "2026110500000032", amountDueFen: 38000, paidAt: new Date("2026-11-03T15:59:59Z"), billingStatus: "sent_to_bank" }),
    ]);
    expect(rejected).toEqual([
      { line: 5, reason: containing("paid_at \"2026-11-03 09:00\" is not an ISO 8601 time with offset") },
      { line: 6, reason: 'amount_due "1,2,3" is not an amount in yuan' },
      { line: 7, reason: containing("is not a valid receipt number (mistyped)") },
    ]);
    expect(skipped).toEqual([]);
  });

  it("gives the same result whatever the chunking", async () => {
    const whole = await collect(parse(fixture("receipts.csv")));
    expect(await collect(parse(fixture("receipts.csv"), 5))).toEqual(whole);
  });

  it("reads a GBK export", async () => {
    const csv = `${HEADER}\r\n2026110500000016,hukou,张三,,25.00,25.00,wechat,2026-11-03T10:15:00+08:00,WX1,paid\r\n`;
    const { records } = await collect(parse(iconv.encode(csv, "gbk")));
    expect(records[0]).toMatchObject({ payerName: "张三", amountDueFen: 2500 });
  });

  const row = (cells: Partial<Record<(typeof RECEIPT_COLUMNS)[number], string>>) => {
    const base = { receipt_no: "2026110500000016", service: "hukou", payer_name: "张三", payer_phone: "", amount_due: "25.00", amount_paid: "", channel: "wechat", paid_at: "", bank_ref: "", billing_status: "paid", ...cells };
    return `${HEADER}\n${RECEIPT_COLUMNS.map((c) => base[c]).join(",")}\n`;
  };

  it.each([
    [{ receipt_no: "" }, "receipt_no is empty"],
    [{ receipt_no: "12" }, "not a valid receipt number (mistyped)"],
    [{ service: "parking" }, 'service "parking" is unknown'],
    [{ channel: "bitcoin" }, 'channel "bitcoin" is unknown'],
    [{ payer_name: " " }, "payer_name is empty"],
    [{ amount_due: "-25" }, "amount_due \"-25\" is negative"],
    [{ amount_paid: "abc" }, "amount_paid \"abc\" is not an amount"],
    [{ billing_status: "PAID!" }, 'billing_status "PAID!" is not one of'],
    [{ paid_at: "2026-11-03T10:15:00" }, "not an ISO 8601 time with offset"],
  ])("rejects the line %j", async (cells, reason) => {
    const { records, rejected } = await collect(parse(row(cells)));
    expect(records).toEqual([]);
    expect(rejected).toEqual([{ line: 2, reason: containing(reason) }]);
  });

  it.each([
    ["a terminal id", "T0012-A_1", "T0012-A_1"],
    ["an empty cell", "", null],
    ["a padded cell", " T0012 ", "T0012"],
  ])("reads the optional terminal_id column, in any position: %s", async (_name, cell, terminalId) => {
    const { records, rejected } = await collect(parse(`terminal_id,${HEADER}
${cell.includes(" ") ? `"${cell}"` : cell},${row({}).split("\n")[1]}
`));
    expect(rejected).toEqual([]);
    expect(records.map((r) => r.terminalId)).toEqual([terminalId]);
  });

  it.each([["T 0012"], ["终端0012"], ["T".repeat(65)]])("rejects the terminal id %j", async (cell) => {
    const { records, rejected } = await collect(parse(`${HEADER},terminal_id
${row({}).split("\n")[1]},"${cell}"
`));
    expect(records).toEqual([]);
    expect(rejected).toEqual([{ line: 2, reason: containing("is not a terminal id") }]);
  });

  it("a file without the column reads no terminal", async () => {
    const { records } = await collect(parse(row({})));
    expect(records.map((r) => r.terminalId)).toEqual([null]);
  });

  it("rejects a line with the wrong number of fields, and reads the next", async () => {
    const { records, rejected } = await collect(parse(`${row({}).trimEnd()}\n1,2,3\n${row({ receipt_no: "2026110500000024" }).split("\n")[1]}\n`));
    expect(rejected).toEqual([{ line: 3, reason: "has 3 fields, the header has 10" }]);
    expect(records.map((r) => r.line)).toEqual([2, 4]);
  });

  it.each([
    ["an empty file", "", "the file is empty"],
    ["blank lines only", "\r\n\r\n", "the file is empty"],
    ["a header only", `${HEADER}\r\n`, "the file has a header but no data lines"],
    ["a header only, with BOM and blank lines", `\ufeff${HEADER}\r\n\r\n`, "the file has a header but no data lines"],
    ["an unknown column", `${HEADER},extra\n`, 'unknown column "extra"'],
    ["a missing column", `${HEADER.replace(",bank_ref", "")}\n`, 'missing column "bank_ref"'],
    ["a settlements file", "bank_ref,amount,value_date,channel,payer_account,remittance\nA,1,2026-01-01,,,\n", "unknown column"],
    ["an unclosed quote (truncated file)", `${HEADER}\n"2026110500000016,hukou,张三`, "the CSV is malformed"],
  ])("refuses %s", async (_name, csv, message) => {
    expect(await refusal(() => parse(csv))).toContain(message);
  });

  it("refuses a file in the wrong encoding", async () => {
    expect(await refusal(() => parse(iconv.encode(row({ payer_name: "张三" }), "utf-16le")))).toContain("not a text export");
  });
});
