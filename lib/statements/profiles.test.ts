import * as XLSX from "@e965/xlsx";
import { parse as parseCsv } from "csv-parse/sync";
import iconv from "iconv-lite";
import { describe, expect, it } from "vitest";
import { bytesOf } from "./decode";
import { parseSettlements } from "./index";
import { findProfile, isPlainProfile, SETTLEMENT_PROFILES } from "./profiles";
import { collect, containing, fixture, refusal } from "./testing";
import type { SettlementRecord } from "./types";

const channels = new Set(["wechat", "alipay", "counter", "online_bank", "pos"]);
const parse = (data: Uint8Array | string, profile: string, chunk?: number) => parseSettlements(bytesOf(data, chunk), { format: "csv", profile, channels });
/** The stored fields of each record, in order: line, bank_ref, amount, value date, payer account, remittance. */
const rows = (records: (SettlementRecord & { line: number })[]) => records.map((r) => [r.line, r.bankRef, r.amountFen, r.valueDate, r.payerAccount, r.remittance]);

/** An .xls/.xlsx made here with the same library, so that no binary is committed. */
function workbook(cells: (string | number | XLSX.CellObject)[][], bookType: "biff8" | "xlsx"): Buffer {
  const sheet = XLSX.utils.aoa_to_sheet(cells);
  const book = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(book, sheet, "明细");
  XLSX.utils.book_append_sheet(book, XLSX.utils.aoa_to_sheet([["第二页不读"]]), "说明");
  return XLSX.write(book, { type: "buffer", bookType }) as Buffer;
}

describe("Chinese exports as downloaded", () => {
  it("wechat-personal: 16 title lines, ¥ amounts, backtick-free tabs and '/', only 收入 lines that were received", async () => {
    const { records, rejected, skipped } = await collect(parse(fixture("wechat-personal.csv"), "wechat-personal"));
    expect(rows(records)).toEqual([
      [18, "100004980120250822000012345678", 2500, "2025-08-22", null, "户政缴费 2026110500000016"],
      [19, "100005010120250822000023456789", 38000, "2025-08-22", null, "转账 收费单号2026110500000024"],
      [23, "100004980120250823000067890123", 102500, "2025-08-23", null, "户政缴费 2026110500000032"],
    ]);
    expect(records.every((r) => r.channel === "wechat")).toBe(true);
    expect(skipped).toEqual([
      { line: 20, reason: "debit" },
      { line: 21, reason: "neither income nor expense" },
      { line: 22, reason: "not a completed payment" },
    ]);
    expect(rejected).toEqual([]);
  });

  it("alipay-personal (GBK): padded cells, trailing comma, '----' footer with totals; the merchant order number reaches the text", async () => {
    const { records, rejected, skipped } = await collect(parse(fixture("alipay-personal.csv"), "alipay-personal"));
    expect(rows(records)).toEqual([
      [6, "2025082222001412341234567890", 2500, "2025-08-22", null, "2026110500000016 户政缴费"],
      [7, "2025082222001412341234567891", 38000, "2025-08-22", null, "2026110500000024 医保缴费"],
      [10, "2025082322001412341234567894", 2500, "2025-08-23", null, "户政缴费 收费单号 2026110500000032"],
    ]);
    expect(skipped).toEqual([
      { line: 8, reason: "debit" },
      { line: 9, reason: "not a completed payment" },
    ]);
    expect(rejected).toEqual([]);
  });

  it("alipay-personal, newer export: 交易时间,交易分类,…,交易订单号,商家订单号", async () => {
    const csv = [
      "------------------------------------------------------------------------------------",
      "导出信息：",
      "姓名：某区政务服务中心",
      "支付宝账户：gov***@example.cn",
      "共2笔记录",
      "----------------------支付宝（中国）网络技术有限公司  电子客户回单----------------------",
      "交易时间,交易分类,交易对方,对方账号,商品说明,收/支,金额,收/付款方式,交易状态,交易订单号,商家订单号,备注,",
      "2025-08-22 10:00:05,转账红包,张*,138******34,户政缴费,收入,25.00,余额,交易成功,2025082222001412341234560001\t,2026110500000016\t,,",
      "2025-08-22 11:00:00,日用百货,某超市,sup***@shop.cn,购物,支出,9.90,余额,交易成功,2025082222001412341234560002\t,T2001\t,,",
    ].join("\n");
    const { records, skipped } = await collect(parse(iconv.encode(csv, "gbk"), "alipay-personal"));
    expect(rows(records)).toEqual([[8, "2025082222001412341234560001", 2500, "2025-08-22", "138******34", "户政缴费 2026110500000016"]]);
    expect(skipped).toEqual([{ line: 9, reason: "debit" }]);
  });

  it("wechat-merchant: backtick cells, refund skipped, summary block ignored; gross, fee and net per line", async () => {
    const { records, rejected, skipped } = await collect(parse(fixture("wechat-merchant.csv"), "wechat-merchant"));
    expect(records.map((r) => [r.line, r.bankRef, r.amountFen, r.feeFen, r.netFen, r.remittance])).toEqual([
      [2, "4200001234202508220000", 2500, 15, 2485, "2026110500000016 户政缴费"],
      [3, "4200001234202508220001", 38000, 228, 37772, "2026110500000024 医保缴费"],
      [4, "4200001234202508220002", 2500, 15, 2485, "2026110500000032 户政缴费"],
    ]);
    expect(records.reduce((s, r) => s + r.amountFen, 0)).toBe(43000);
    expect(records.reduce((s, r) => s + r.feeFen!, 0)).toBe(258);
    expect(skipped).toEqual([{ line: 5, reason: "not a completed payment" }]);
    expect(rejected).toEqual([]);
  });

  it("wechat-merchant, older bill with 总金额", async () => {
    const csv = [
      "交易时间,公众账号ID,商户号,子商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,总金额,企业红包金额,微信退款单号,商户退款单号,退款金额,企业红包退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率",
      "`2018-03-01 10:00:00,`wx2421b1c4370ec43b,`1900000109,`0,`,`4200000001201803010000,`2026110500000016,`oUpF8uMuAJO,`NATIVE,`SUCCESS,`CFT,`CNY,`25.00,`0.00,`0,`0,`0,`0,`,`,`户政缴费,`,`0.15000,`0.60%",
      "总交易单数,总交易额,总退款金额,总企业红包退款金额,手续费总金额",
      "`1,`25.00,`0.00,`0.00,`0.15000",
    ].join("\r\n");
    const { records } = await collect(parse(csv, "wechat-merchant"));
    expect(records.map((r) => [r.line, r.bankRef, r.amountFen, r.feeFen, r.netFen, r.remittance])).toEqual([[2, "4200000001201803010000", 2500, 15, 2485, "2026110500000016 户政缴费"]]);
  });

  it("alipay-merchant (GBK): '#' title and footer lines, negative 服务费, 商家实收 after a discount", async () => {
    const { records, rejected, skipped } = await collect(parse(fixture("alipay-merchant.csv"), "alipay-merchant"));
    expect(records.map((r) => [r.line, r.bankRef, r.amountFen, r.feeFen, r.netFen, r.payerAccount, r.remittance, r.valueDate, r.channel])).toEqual([
      [6, "2025082222001412340500012345", 2500, 15, 2485, "138****1234", "2026110500000016 户政缴费", "2025-08-22", "alipay"],
      [7, "2025082222001412340500012346", 38000, 225, 37275, null, "2026110500000024 医保缴费 支付宝优惠5元", "2025-08-22", "alipay"],
    ]);
    expect(skipped).toEqual([{ line: 8, reason: "not a completed payment" }]);
    expect(rejected).toEqual([]);
  });

  it("icbc (GBK): split booked amounts, a foreign-currency line rejected, the 合计 row ignored, a reference derived per line", async () => {
    const { records, rejected, skipped } = await collect(parse(fixture("icbc.csv"), "icbc"));
    expect(records.map((r) => [r.line, r.amountFen, r.valueDate, r.remittance])).toEqual([
      [6, 123450, "2025-08-22", "跨行汇款 2026110500000016"],
      [7, 2500, "2025-08-22", "转账"],
      [8, 2500, "2025-08-22", "转账"],
    ]);
    // Two ¥25.00 转账 lines on one day stay two lines: the balance after each is part of the reference.
    expect(new Set(records.map((r) => r.bankRef)).size).toBe(3);
    expect(records.every((r) => /^icbc:[0-9a-f]{16}$/.test(r.bankRef!))).toBe(true);
    expect(skipped).toEqual([{ line: 9, reason: "debit" }]);
    expect(rejected).toEqual([{ line: 10, reason: '记账币种 "美元" is not CNY' }]);
  });

  it("derives the same reference for the same line in another download", async () => {
    const again = iconv.encode(iconv.decode(fixture("icbc.csv"), "gbk").replace("起止日期：2025-08-01 至 2025-08-31", "起止日期：2025-08-22 至 2025-09-30\r\n"), "gbk");
    const refs = async (bytes: Uint8Array) => (await collect(parse(bytes, "icbc"))).records.map((r) => r.bankRef);
    expect(await refs(again)).toEqual(await refs(fixture("icbc.csv")));
  });

  it("abc (GBK): signed amounts, 日志号 as reference, the account out of 对手信息 (never the name), 合计 and 共N笔 ignored", async () => {
    const { records, rejected, skipped } = await collect(parse(fixture("abc.csv"), "abc"));
    expect(rows(records)).toEqual([
      [5, "123456789", 2500, "2024-01-01", "6222********1234", "户政缴费 2026110500000016"],
      [7, "123456791", 38000, "2024-01-02", "6217****5678", "医保 2026110500000024"],
      [8, "123456792", 2500, "2024-01-02", null, null],
    ]);
    expect(skipped).toEqual([{ line: 6, reason: "debit" }]);
    expect(rejected).toEqual([]);
  });

  it("boc (GBK): 收入金额/支出金额, 2024/1/5 dates, 业务摘要 and 附言 joined", async () => {
    const { records, skipped } = await collect(parse(fixture("boc.csv"), "boc"));
    expect(records.map((r) => [r.line, r.amountFen, r.valueDate, r.payerAccount, r.remittance])).toEqual([
      [5, 2500, "2024-01-05", "6222****0123", "网银转入 户政 2026110500000016"],
      [6, 2500, "2024-01-05", "6217****4567", "网银转入 2026110500000024"],
      [8, 123, "2024-01-07", null, "利息 结息"],
    ]);
    expect(skipped).toEqual([{ line: 7, reason: "debit" }]);
  });

  it("cmb: '# 招商银行交易流水' title lines and '#' footer, signed 交易金额", async () => {
    const { records, skipped } = await collect(parse(fixture("cmb.csv"), "cmb"));
    expect(records.map((r) => [r.line, r.amountFen, r.valueDate, r.payerAccount, r.remittance])).toEqual([
      [6, 2500, "2024-01-03", "6222****0123", "转账汇款 2026110500000016"],
      [8, 100000, "2024-01-04", "6217****4567", "转账汇款"],
    ]);
    expect(skipped).toEqual([{ line: 7, reason: "debit" }]);
  });

  it("cmb, older layout: 交易日期,交易时间,收入,支出,余额,交易类型,交易备注", async () => {
    const csv = "招商银行一卡通交易明细\n交易日期,交易时间,收入,支出,余额,交易类型,交易备注\n20240103,10:01:02,25.00,,5025.00,转账,2026110500000016\n20240103,12:00:00,,12.50,5012.50,消费,外卖\n";
    const { records, skipped } = await collect(parse(csv, "cmb"));
    expect(records.map((r) => [r.line, r.amountFen, r.valueDate, r.remittance])).toEqual([[3, 2500, "2024-01-03", "转账 2026110500000016"]]);
    expect(skipped).toEqual([{ line: 4, reason: "debit" }]);
  });

  it("reads Excel's =\"…\" text cells in a framed export", async () => {
    const csv = 'BOCOM\n交易时间,摘要,交易金额,借贷标志,余额,对方户名,对方账号,交易流水号\n2024-01-08 09:30:00,转账,25.00,贷,100.00,张*,="6222021234560123",="BC0001"\n';
    expect(rows((await collect(parse(csv, "bocom"))).records)).toEqual([[3, "BC0001", 2500, "2024-01-08", "6222********0123", "转账"]]);
  });

  it("bocom (GBK): unsigned amount with 借贷标志, 总计 ignored", async () => {
    const { records, skipped } = await collect(parse(fixture("bocom.csv"), "bocom"));
    expect(rows(records)).toEqual([
      [4, "BC202401080001", 2500, "2024-01-08", "6222****0123", "网银转账 2026110500000016"],
      [6, "BC202401080003", 38000, "2024-01-08", "6217****4567", "网银转账"],
    ]);
    expect(skipped).toEqual([{ line: 5, reason: "debit" }]);
  });

  it("ccb .xls (BIFF8, as CCB sends it): title rows, the first sheet only, a real date cell and text dates", async () => {
    const date: XLSX.CellObject = { t: "n", v: 45297, z: "yyyy-mm-dd" }; // 2024-01-06 as Excel stores it
    const xls = workbook(
      [
        ["中国建设银行个人活期账户全部交易明细"],
        ["卡号：6217****1234", "", "", "户名：某区政务服务中心"],
        ["序号", "摘要", "币别", "钞汇", "交易日期", "交易金额", "账户余额", "交易地点/附言", "对方账号与户名"],
        [1, "转账存入", "人民币元", "钞", "20240105", 25, 1025, "户政 2026110500000016", "6222****0123/张三"],
        [2, "消费", "人民币元", "钞", "20240105", -12.5, 1012.5, "某超市", ""],
        [3, "转账存入", "人民币元", "钞", date, 1234.5, 2247, "医保 2026110500000024", "6217****4567/李四"],
        ["合计", "", "", "", "", 1247, "", "", ""],
      ],
      "biff8",
    );
    const { records, skipped, rejected } = await collect(parse(xls, "ccb"));
    expect(records.map((r) => [r.line, r.amountFen, r.valueDate, r.payerAccount, r.remittance])).toEqual([
      [4, 2500, "2024-01-05", "6222****0123", "转账存入 户政 2026110500000016"],
      [6, 123450, "2024-01-06", "6217****4567", "转账存入 医保 2026110500000024"],
    ]);
    expect(records.every((r) => r.bankRef?.startsWith("ccb:"))).toBe(true);
    expect(skipped).toEqual([{ line: 5, reason: "debit" }]);
    expect(rejected).toEqual([]);
  });

  it("ccb corporate layout (.xlsx): 借方发生额（支取）/贷方发生额（收入）, 记账日期, 账户明细编号-交易流水号", async () => {
    const header = ["交易时间", "借方发生额（支取）", "贷方发生额（收入）", "余额", "币种", "对方户名", "对方账号", "对方开户机构", "记账日期", "摘要", "备注", "账户明细编号-交易流水号", "企业流水号", "凭证种类", "凭证号"];
    const xlsx = workbook(
      [
        ["中国建设银行单位账户明细"],
        header,
        ["20240105 10:00:01", "", "25.00", "1,025.00", "人民币", "张*", "6222****0123", "建行某支行", "20240105", "转账", "2026110500000016", "1-0001", "", "", ""],
        ["20240105 11:00:00", "100.00", "", "925.00", "人民币", "某公司", "6228****9876", "工行某支行", "20240105", "付款", "", "1-0002", "", "", ""],
      ],
      "xlsx",
    );
    const { records, skipped } = await collect(parse(xlsx, "ccb"));
    expect(rows(records)).toEqual([[3, "1-0001", 2500, "2024-01-05", "6222****0123", "转账 2026110500000016"]]);
    expect(skipped).toEqual([{ line: 4, reason: "debit" }]);
  });

  it("boc .xls that is an HTML table (GBK), as some web downloads are", async () => {
    const cells = (row: string[]) => `<tr>${row.map((c) => `<td>${c}</td>`).join("")}</tr>`;
    const html = [
      '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gbk"></head><body><table>',
      cells(["中国银行交易流水明细清单"]),
      cells(["交易日期", "业务摘要", "对方账户名称", "对方账户账号", "币种", "钞/汇", "收入金额", "支出金额", "余额", "交易渠道/场所", "附言"]),
      cells(["2024/1/5", "网银转入", "张*", "6222****0123", "人民币", "钞", "1,025.00", "", "8,025.00", "网上银行", "户政 2026110500000016"]),
      cells(["2024/1/6", "跨行转出", "某公司", "6228****9876", "人民币", "钞", "", "100.00", "7,925.00", "网上银行", "货款"]),
      "</table></body></html>",
    ].join("\n");
    const { records, skipped } = await collect(parse(iconv.encode(html, "gbk"), "boc"));
    expect(records.map((r) => [r.line, r.amountFen, r.valueDate, r.payerAccount, r.remittance])).toEqual([[3, 102500, "2024-01-05", "6222****0123", "网银转入 户政 2026110500000016"]]);
    expect(skipped).toEqual([{ line: 4, reason: "debit" }]);
  });

  it.each(["wechat-personal", "alipay-merchant", "icbc"])("reads %s saved as .xlsx (WeChat now sends its bill so) as it reads the CSV", async (name) => {
    const text = fixture(`${name}.csv`);
    const csv = name === "wechat-personal" ? text.toString("utf8") : iconv.decode(text, "gbk");
    const cells: string[][] = parseCsv(csv, { relax_column_count: true, relax_quotes: true, rtrim: true, bom: true });
    const fromSheet = await collect(parse(workbook(cells, "xlsx"), name));
    expect(fromSheet).toEqual(await collect(parse(text, name)));
  });

  it.each([1, 3, 64])("gives the same result in chunks of %i bytes", async (chunk) => {
    for (const name of ["wechat-personal", "alipay-merchant"]) {
      expect(await collect(parse(fixture(`${name}.csv`), name, chunk))).toEqual(await collect(parse(fixture(`${name}.csv`), name)));
    }
  });

  it.each([
    ["a bad amount", "wechat-personal", "¥25.00", "¥25.0.0", 18, '金额(元) "¥25.0.0" is not an amount in yuan'],
    ["a bad date", "bocom", "2024-01-08 09:30:00", "2024-13-08 09:30:00", 4, '交易时间 "2024-13-08 09:30:00" is not a date (e.g. 2025-08-22)'],
    ["both sides empty", "boc", "25.00,,\"8,025.00\"", ",,\"8,025.00\"", 5, "收入金额 and 支出金额 are both empty"],
  ])("rejects %s with its line", async (_name, profile, from, to, line, reason) => {
    const text = fixture(`${profile}.csv`);
    const utf8 = profile === "wechat-personal";
    const edited = (utf8 ? text.toString("utf8") : iconv.decode(text, "gbk")).replace(from, to);
    const { rejected } = await collect(parse(utf8 ? edited : iconv.encode(edited, "gbk"), profile));
    expect(rejected).toEqual([{ line, reason }]);
  });

  it.each([
    ["no header in the title lines", "wechat-personal", "微信支付账单明细\n".repeat(50), "no header in the first 40 lines"],
    ["a header with an unknown column", "bocom", "交易时间,摘要,交易金额,借贷标志,余额,对方户名,对方账号,交易流水号,网点\n", "no header in the first"],
    ["a header only", "abc", "交易日期,交易时间,交易金额,本次余额,对手信息,日志号,交易渠道,交易用途\n合计,,,,,,,\n", "header but no data lines"],
    ["a damaged spreadsheet", "ccb", Buffer.concat([workbook([["a"]], "xlsx").subarray(0, 200)]), "the spreadsheet cannot be read"],
    ["a WeChat bill with a broken quote on line 18", "wechat-personal", fixture("wechat-personal.csv").toString("utf8").replace('"户政缴费 2026110500000016"\t', '"户政缴费 "2026110500000016"'), "at line 18, field 4"],
  ])("refuses %s", async (_name, profile, data, message) => {
    expect(await refusal(() => parse(data, profile))).toEqual(containing(message));
  });

  it("never puts a payer's name or full account into a reason", async () => {
    const text = iconv.decode(fixture("abc.csv"), "gbk").replace("+25.00", "+25.0x");
    const { rejected } = await collect(parse(iconv.encode(text, "gbk"), "abc"));
    expect(rejected).toEqual([{ line: 5, reason: '交易金额 "25.0x" is not an amount in yuan' }]);
  });
});

describe("isPlainProfile", () => {
  it("lets only single-amount, untitled profiles take the COPY lane", () => {
    const plain = SETTLEMENT_PROFILES.filter((p) => p.format === "csv" && isPlainProfile(p)).map((p) => p.name);
    expect(plain).toEqual(["default", "cn-bank", "unionpay-pos"]);
    expect(isPlainProfile(findProfile("csv", "bocom")!)).toBe(false);
  });
});
