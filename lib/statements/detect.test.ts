import * as XLSX from "@e965/xlsx";
import iconv from "iconv-lite";
import { describe, expect, it } from "vitest";
import { bytesOf } from "./decode";
import { chooseSettlementLayout, detectSettlementLayout, layoutSample } from "./detect";
import { containing, fixture } from "./testing";

const detect = (data: Uint8Array | string) => detectSettlementLayout(typeof data === "string" ? new TextEncoder().encode(data) : data);

function workbook(rows: (string | number)[][], bookType: "biff8" | "xlsx"): Buffer {
  const book = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(book, XLSX.utils.aoa_to_sheet(rows), "Sheet1");
  return XLSX.write(book, { type: "buffer", bookType }) as Buffer;
}

describe("detectSettlementLayout", () => {
  it.each([
    ["settlements.csv", "csv", "default"],
    ["wechat-personal.csv", "csv", "wechat-personal"],
    ["alipay-personal.csv", "csv", "alipay-personal"],
    ["wechat-merchant.csv", "csv", "wechat-merchant"],
    ["alipay-merchant.csv", "csv", "alipay-merchant"],
    ["icbc.csv", "csv", "icbc"],
    ["abc.csv", "csv", "abc"],
    ["boc.csv", "csv", "boc"],
    ["cmb.csv", "csv", "cmb"],
    ["bocom.csv", "csv", "bocom"],
    ["camt053.xml", "camt053", "default"],
    ["mt940.sta", "mt940", "default"],
  ])("reads %s as %s / %s", (name, format, profile) => {
    expect(detect(fixture(name))).toEqual({ ok: true, format, profile });
  });

  it.each([
    ["cn-bank (GBK)", iconv.encode("序号,交易日期,交易流水号,对方户名,对方账号,交易金额,余额,摘要\r\n1,2026/11/03,HX1,张三,,25.00,1.00,x\r\n", "gbk"), "csv", "cn-bank"],
    ["unionpay-pos", "终端号,清算日期,检索参考号,卡号,清算金额,手续费,商户订单号\n", "csv", "unionpay-pos"],
    ["alipay-personal, newer layout", "导出信息：\n交易时间,交易分类,交易对方,对方账号,商品说明,收/支,金额,收/付款方式,交易状态,交易订单号,商家订单号,备注\n", "csv", "alipay-personal"],
    ["cmb, older layout", "交易日期,交易时间,收入,支出,余额,交易类型,交易备注\n", "csv", "cmb"],
    ["ccb corporate layout", "交易时间,借方发生额（支取）,贷方发生额（收入）,余额,币种,对方户名,对方账号,对方开户机构,记账日期,摘要,备注,账户明细编号-交易流水号,企业流水号,凭证种类,凭证号\n", "csv", "ccb"],
    ["ccb .xls", workbook([["中国建设银行个人活期账户全部交易明细"], ["序号", "摘要", "币别", "钞汇", "交易日期", "交易金额", "账户余额", "交易地点/附言", "对方账号与户名"], [1, "转账", "人民币元", "钞", "20240105", 25, 1025, "", ""]], "biff8"), "csv", "ccb"],
    ["abc .xlsx", workbook([["交易日期", "交易时间", "交易金额", "本次余额", "对手信息", "日志号", "交易渠道", "交易用途"], ["20240101", "093015", "+25.00", "10025.00", "", "1", "", ""]], "xlsx"), "csv", "abc"],
    ["boc .xls saved as an HTML table", iconv.encode("<html><body><table><tr><td>中国银行交易流水明细清单</td></tr><tr><td>交易日期</td><td>业务摘要</td><td>对方账户名称</td><td>对方账户账号</td><td>币种</td><td>钞/汇</td><td>收入金额</td><td>支出金额</td><td>余额</td><td>交易渠道/场所</td><td>附言</td></tr></table></body></html>", "gbk"), "csv", "boc"],
    ["camt.053 with a prefix", '<?xml version="1.0"?><c:Document xmlns:c="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><c:BkToCstmrStmt>', "camt053", "default"],
    ["MT940 behind the ABN AMRO header", "ABNANL2A\r\n940\r\nABNANL2A\r\n:20:S1\r\n:25:1\r\n:28C:1\r\n:60F:C261103CNY0,00\r\n", "mt940", "default"],
    ["MT940 in SWIFT blocks with SOH", "\u0001{1:F01BKCHCNBJAXXX0000000000}{2:O940}{4:\r\n:20:S1\r\n:25:1\r\n", "mt940", "default"],
    ["MT940 with blocks on their own lines", "{1:F01BKCHCNBJAXXX0000000000}\n{2:O940}\n{4:\n:20:S1\n:25:1\n", "mt940", "default"],
  ])("reads %s", (_name, data, format, profile) => {
    expect(detect(data)).toEqual({ ok: true, format, profile });
  });

  it("names the nearest profile and the columns it lacks", () => {
    const icbcLike = "中国工商银行借记卡账户历史明细\n交易日期,摘要,交易场所,交易国家或地区简称,钞/汇,交易金额(收入),交易金额(支出),交易币种,余额,对方户名\n";
    expect(detect(icbcLike)).toEqual({
      ok: false,
      reason: 'no profile reads this header; the nearest is "icbc", which lacks "记账金额(收入)", "记账金额(支出)", "记账币种"',
      nearest: "icbc",
      missing: ["记账金额(收入)", "记账金额(支出)", "记账币种"],
    });
  });

  it("names an extra column when nothing is missing", () => {
    expect(detect("bank_ref,amount,value_date,balance\nA,1,2026-11-04,5\n")).toMatchObject({ ok: false, nearest: "default", missing: [], reason: containing("columns it does not know") });
  });

  it.each([
    ["an empty file", "", "the file is empty"],
    ["a receipts file", "receipt_no,service,payer_name\n1,2,张三\n", "no camt.053, MT940 or CSV header of a known profile"],
    ["another XML document", '<?xml version="1.0"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.03">', "not a camt.053"],
    ["UTF-16", iconv.encode("\ufeffa,b\n", "utf-16le"), "not text in UTF-8 or GBK"],
    ["a damaged spreadsheet", workbook([["a"]], "xlsx").subarray(0, 300), "the spreadsheet cannot be read"],
  ])("refuses %s", (_name, data, reason) => {
    const detected = detect(data);
    expect(detected.ok).toBe(false);
    expect(!detected.ok && detected.reason).toContain(reason);
  });

  it("never quotes the file's content in a refusal", () => {
    const detected = detect("交易日期,摘要,对方户名\n2025-08-22,转账,张三丰\n");
    expect(!detected.ok && detected.reason).not.toContain("张三丰");
  });
});

describe("layoutSample", () => {
  it("takes the first 64 KiB of a text file and a spreadsheet whole", async () => {
    const big = "bank_ref,amount,value_date\n" + "R,1.00,2026-11-04\n".repeat(10_000);
    expect((await layoutSample(bytesOf(big, 1000))).length).toBe(65536);
    const xlsx = workbook(Array.from({ length: 5000 }, (_, i) => [`R${i}`, 1, "2026-11-04"]), "xlsx");
    expect(Buffer.compare(Buffer.from(await layoutSample(bytesOf(xlsx, 1000))), xlsx)).toBe(0);
  });
});

describe("chooseSettlementLayout", () => {
  const open = (name: string) => () => bytesOf(fixture(name));
  it.each([
    ["recognises the file", "icbc.csv", {}, { format: "csv", profile: "icbc", recognised: true }],
    ["takes --format and --profile as given", "icbc.csv", { format: "csv", profile: "cn-bank" }, { format: "csv", profile: "cn-bank", recognised: false }],
    ["takes --format alone with the default profile", "mt940.sta", { format: "mt940" }, { format: "mt940", profile: "default", recognised: false }],
    ["takes the format from a profile only one format has", "bocom.csv", { profile: "abc" }, { format: "csv", profile: "abc", recognised: false }],
    ["recognises the format of --profile default", "camt053.xml", { profile: "default" }, { format: "camt053", profile: "default", recognised: true }],
  ] as const)("%s", async (_name, file, given, choice) => {
    expect(await chooseSettlementLayout(open(file), given)).toEqual(choice);
  });

  it("refuses a file it cannot recognise, naming the nearest profile", async () => {
    const csv = "交易日期,摘要,交易场所,交易国家或地区简称,钞/汇,交易金额(收入),交易金额(支出),交易币种,余额,对方户名\n";
    await expect(chooseSettlementLayout(() => bytesOf(csv), {})).rejects.toThrow('no profile reads this header; the nearest is "icbc", which lacks "记账金额(收入)", "记账金额(支出)", "记账币种"');
  });
});
