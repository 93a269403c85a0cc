import * as XLSX from "@e965/xlsx";
import { parse as parseCsv } from "csv-parse/sync";
import iconv from "iconv-lite";
import { describe, expect, it } from "vitest";
import { bytesOf } from "./decode";
import { parseSettlements } from "./index";
import { collect, containing, fixture, refusal } from "./testing";

const channels = new Set(["wechat", "counter", "online_bank", "pos"]);
const parse = (data: Uint8Array | string, profile?: string) => parseSettlements(bytesOf(data), { format: "csv", profile, channels });

describe("settlements CSV, default profile", () => {
  it("reads the fixture: credits, a debit skipped, bad amount and date rejected", async () => {
    const { records, rejected, skipped } = await collect(parse(fixture("settlements.csv")));
    expect(records).toEqual([
      { line: 2, bankRef: "WX20261103001", amountFen: 2500, valueDate: "2026-11-04", channel: "wechat", payerAccount: "6222***********0123", remittance: "缴费 2026110500000016, 户政" },
      { line: 3, bankRef: null, amountFen: 38000, valueDate: "2026-11-04", channel: "counter", payerAccount: null, remittance: "收费单号 2026-1105-0000-0032" },
    ]);
    expect(skipped).toEqual([{ line: 4, reason: "debit" }]);
    expect(rejected).toEqual([
      { line: 5, reason: 'amount "1,2,3" is not an amount in yuan' },
      { line: 6, reason: 'value_date "2026-02-30" is not a date (YYYY-MM-DD)' },
    ]);
  });

  it.each([
    ["an unknown channel", "bank_ref,amount,value_date,channel,payer_account,remittance\nA,1.00,2026-11-04,bitcoin,,\n", 'channel "bitcoin" is unknown'],
    ["a zero amount", "bank_ref,amount,value_date\nA,0.00,2026-11-04\n", "amount is zero"],
    // As the COPY lane reads it: a row of empty cells is a line, not a blank line.
    ["a row of empty cells", "bank_ref,amount,value_date\n,,\n", 'amount "" is empty'],
  ])("rejects %s", async (_name, csv, reason) => {
    expect((await collect(parse(csv))).rejected).toEqual([{ line: 2, reason: containing(reason) }]);
  });

  it("accepts the optional columns being absent", async () => {
    const { records } = await collect(parse("bank_ref,amount,value_date\r\nR1,+10.5,2026-11-04\r\n"));
    expect(records).toEqual([{ line: 2, bankRef: "R1", amountFen: 1050, valueDate: "2026-11-04", channel: null, payerAccount: null, remittance: null }]);
  });

  it.each([
    ["an empty file", "", "the file is empty"],
    ["a header only", "bank_ref,amount,value_date,channel,payer_account,remittance\r\n\r\n", "header but no data lines"],
    ["an unknown column", "bank_ref,amount,value_date,balance\nA,1,2026-11-04,5\n", 'line 1: unknown column "balance"'],
    ["an unknown column after blank lines", "\r\n\r\nbank_ref,amount,value_date,balance\r\nA,1,2026-11-04,5\r\n", 'line 3: unknown column "balance"'],
    ["a missing column", "bank_ref,value_date\nA,2026-11-04\n", 'line 1: missing column "amount" in the header'],
    ["a receipts file", "receipt_no,service\n1,2\n", 'unknown column "receipt_no"'],
  ])("refuses %s", async (_name, csv, message) => {
    expect(await refusal(() => parse(csv))).toContain(message);
  });

  const good = (n: number) => Array.from({ length: n }, (_, i) => `R${i},1.00,2026-11-04`);
  it.each([
    ["an unclosed quote on line 18", ["bank_ref,amount,value_date", ...good(16), 'R17,"1.00,2026-11-04', "R18,1.00,2026-11-04"], "at line 18: a quoted field is never closed (truncated file?)"],
    ["text after a closing quote on line 18", ["bank_ref,amount,value_date", ...good(16), 'R17,"1.00"x,2026-11-04', "R18,1.00,2026-11-04"], "at line 18, field 2: text after a closing quote"],
    ["a quote inside a field on line 3", ["bank_ref,amount,value_date", ...good(1), 'R"2,1.00,2026-11-04'], "at line 3, field 1: a quote inside an unquoted field"],
    ["a bad quote after 5,000 lines", ["bank_ref,amount,value_date", ...good(5000), 'R,"1.00"x,2026-11-04'], "at line 5002, field 2: text after a closing quote"],
    ["a bad quote after a cell spanning lines", ["bank_ref,amount,value_date,remittance", 'R1,1.00,2026-11-04,"a\nb"', 'R2,"1.00"x,2026-11-04,'], "at line 4, field 2: text after a closing quote"],
  ])("names the line of %s", async (_name, lines, message) => {
    expect(await refusal(() => parse(lines.join("\r\n")))).toBe(`the CSV is malformed ${message}`);
  });

  it("refuses an unknown profile", async () => {
    expect(await refusal(() => parse("a\n", "nope"))).toContain('unknown profile "nope" for csv (known: default, cn-bank, unionpay-pos, wechat-merchant, alipay-merchant, wechat-personal, alipay-personal, icbc, ccb, abc, boc, cmb, bocom)');
  });
});

describe("settlements spreadsheet, default profile", () => {
  it("reads the first sheet of an .xlsx as it reads the CSV", async () => {
    const rows: string[][] = parseCsv(fixture("settlements.csv"), { bom: true });
    const book = XLSX.utils.book_new();
    XLSX.utils.book_append_sheet(book, XLSX.utils.aoa_to_sheet(rows), "Sheet1");
    const xlsx = XLSX.write(book, { type: "buffer", bookType: "xlsx" }) as Buffer;
    expect(await collect(parse(xlsx))).toEqual(await collect(parse(fixture("settlements.csv"))));
  });
});

describe("settlements CSV, Chinese bank profile (GBK)", () => {
  const csv = [
    "序号,交易日期,交易流水号,对方户名,对方账号,交易金额,余额,摘要",
    "1,2026/11/03,HX0001,张三,6222 0212 3456 7890 123,\"1,234.50\",\"10,000.00\",缴费 2026110500000016",
    "2,2026/11/3,HX0002,李四,,25.00,\"10,025.00\",\"代收, 户政\"",
    "3,2026/11/03,HX0003,王五,,-50.00,\"9,975.00\",退款",
    "4,2026/11/03,HX0004,赵六,,\"1,2,3\",,",
    "",
    "",
  ].join("\r\n");

  it("reads GBK bytes, slash dates and thousands separators", async () => {
    const { records, rejected, skipped } = await collect(parse(iconv.encode(csv, "gbk"), "cn-bank"));
    expect(records).toEqual([
      { line: 2, bankRef: "HX0001", amountFen: 123450, valueDate: "2026-11-03", channel: "online_bank", payerAccount: "6222***********0123", remittance: "缴费 2026110500000016" },
      { line: 3, bankRef: "HX0002", amountFen: 2500, valueDate: "2026-11-03", channel: "online_bank", payerAccount: null, remittance: "代收, 户政" },
    ]);
    expect(skipped).toEqual([{ line: 4, reason: "debit" }]);
    expect(rejected).toEqual([{ line: 5, reason: '交易金额 "1,2,3" is not an amount in yuan' }]);
  });

  it("reads the same export saved as UTF-8", async () => {
    expect((await collect(parse(csv, "cn-bank"))).records).toHaveLength(2);
  });

  it("refuses bytes that are neither UTF-8 nor GBK", async () => {
    const latin = Buffer.concat([iconv.encode("序号,交易日期\n", "gbk"), Buffer.from([0x31, 0x2c, 0x80, 0xff, 0x0a])]);
    expect(await refusal(() => parse(latin, "cn-bank"))).toContain("neither UTF-8 nor GBK");
  });

  it("reads the UnionPay POS profile", async () => {
    const pos = "终端号,清算日期,检索参考号,卡号,清算金额,手续费,商户订单号\n T01,20261104,123456789012,6222021234567890,25.00,0.15,2026110500000016\n";
    expect((await collect(parse(iconv.encode(pos, "gbk"), "unionpay-pos"))).records).toEqual([
      { line: 2, bankRef: "123456789012", amountFen: 2500, valueDate: "2026-11-04", channel: "pos", payerAccount: "6222********7890", remittance: "2026110500000016" },
    ]);
  });
});
