import { describe, expect, it } from "vitest";
import { normaliseSlipText, parseProofFields, type ProofFields } from "./fields";

type Expect = Partial<Record<keyof ProofFields, string | number | null>>;

const values = (fields: ProofFields) => Object.fromEntries(Object.entries(fields).map(([k, f]) => [k, (f as { value: unknown } | null)?.value ?? null]));

describe("parseProofFields", () => {
  it.each<[string, string, Expect]>([
    [
      "WeChat bill, OCR with spaced CJK",
      "账单详情\n杭州市西湖区教育局\n-120.50\n当 前 状 态      支付成功\n支 付 时 间   2026年10月13日 14:18:23\n商户全称   杭州市西湖区教育局\n交易单号   4200005773202610134137167890\n商户单号   1100514363882413",
      { amount: 12050, date: "2026-10-13", time: "14:18:23", transactionId: "4200005773202610134137167890", orderNo: "1100514363882413", receiptNo: "1100514363882413", payee: "杭州市西湖区教育局" },
    ],
    [
      "Alipay: 订单号 is the transaction, 商家订单号 the order",
      "交易成功\n-1,200.00\n收款方全称  广州市不动产登记中心\n创建时间  2026-10-03 09:14:25\n订单号  20261003220010894821160873593787\n商家订单号  1100728269364652",
      { amount: 120000, date: "2026-10-03", time: "09:14:25", transactionId: "20261003220010894821160873593787", orderNo: "1100728269364652", payee: "广州市不动产登记中心" },
    ],
    [
      "bank app: a large ¥ read as Y, masked payer account, order of labels",
      "转账成功\nY1,200.00\n收款户名   成都市公安局交通管理局\n收款账号   1100 **** **** 0456\n付款账户   6222 **** **** 4484\n交易时间   2026/11/09 11:39:36\n交易流水号   20261109554684367949",
      { amount: 120000, date: "2026-11-09", time: "11:39:36", transactionId: "20261109554684367949", payerAccountTail: "4484", payee: "成都市公安局交通管理局", receiptNo: null },
    ],
    [
      "bank 电子回单, two columns per line (PDF text layer), full-width colons",
      "中国农业银行 电子回单\n回单编号：1795462493611141   交易时间：2026-09-25 14:33:24\n付款人户名：张*明   付款人账号：6222****9574\n收款人户名：深圳市南山区税务局   收款人账号：11001016838550763915\n金额(小写)：¥50.00   币种：人民币\n交易流水号：HQ202609255418137382\n用途：非税缴款 1100276393883916",
      { amount: 5000, date: "2026-09-25", time: "14:33:24", transactionId: "HQ202609255418137382", payerAccountTail: "9574", payee: "深圳市南山区税务局", receiptNo: "1100276393883916" },
    ],
    [
      "POS 签购单: 参考号 preferred over 凭证号, RMB amount",
      "商户名称: 深圳市南山区税务局\n卡号: 6222 **** **** 0413\n批次号: 000124 凭证号: 003142\n参考号: 956689088924\n日期/时间: 2026/09/23 09:16:17\n金额: RMB 388.00",
      { amount: 38800, date: "2026-09-23", time: "09:16:17", transactionId: "956689088924", payerAccountTail: "0413" },
    ],
    [
      "POS slip whose labels OCR garbled: the 12-digit reference and the masked card still found",
      "商户编号: 102110006812268\n终端编号: 27035618\nBS: 6222 **** xxxx 2379\n批次号: 000081 凭证号: 007276\nBES: 894547853208\n日期/时间: 2026/10/28 13:57:27\n金额: RMB 388.00",
      { transactionId: "894547853208", payerAccountTail: "2379", amount: 38800 },
    ],
    ["blurred slip: decimal comma after a label, reference split by a space", "参考号: 964417 166006\n金额: RMB 388,00", { transactionId: "964417166006", amount: 38800 }],
    ["a thousands comma is not a decimal comma", "金额: 1,200", { amount: null }],
    ["only 凭证号: it is the transaction number", "凭证号: 003142\n金额: 88.00元", { transactionId: "003142", amount: 8800 }],
    ["amount with 元 and no label", "缴费成功 共 35.00 元", { amount: 3500 }],
    ["实付 label", "实付 ¥ 15.75", { amount: 1575 }],
    ["OCR confusions inside a number: O and l", "交易单号 42000O577320261Ol34137167890", { transactionId: "4200005773202610134137167890" }],
    ["date without time, seconds missing", "交易日期 2026.11.30", { date: "2026-11-30", time: null }],
    ["time without seconds", "支付时间 2026年1月5日 8:05", { date: "2026-01-05", time: "08:05:00" }],
    ["impossible date skipped for a valid one", "2026-02-30 10:00:00\n交易时间 2026-02-28 10:00:00", { date: "2026-02-28" }],
    ["16 digits failing Luhn are no receipt number", "附言 缴费 1100514363882414", { receiptNo: null }],
    ["16 digits inside a longer number are not a receipt number", "4200005773202610134137167890", { receiptNo: null }],
    ["a receipt number in a remark beats one without context", "回单编号 1795462493611141\n附言 1100276393883916", { receiptNo: "1100276393883916" }],
    ["nothing readable", "@@@ ~~~", { amount: null, date: null, time: null, transactionId: null, orderNo: null, payee: null, payerAccountTail: null, receiptNo: null }],
    ["negative or zero amounts are no payment", "金额 0.00", { amount: null }],
  ])("%s", (_name, text, expected) => {
    expect(values(parseProofFields(text))).toMatchObject(expected);
  });

  it("labels give more confidence than bare shapes", () => {
    expect(parseProofFields("金额: 50.00").amount?.confidence).toBeGreaterThan(parseProofFields("50.00").amount!.confidence);
    expect(parseProofFields("参考号: 956689088924").transactionId!.confidence).toBeGreaterThan(parseProofFields("BES: 956689088924").transactionId!.confidence);
  });
});

describe("normaliseSlipText", () => {
  it.each([
    ["支 付 时 间 2026年", "支付时间 2026年"],
    ["交易单号 ：１２３", "交易单号:123"],
    ["张*明     付款人账号", "张*明  付款人账号"],
    ["a\r\n\r\n  b  ", "a\nb"],
  ])("%j → %j", (input, output) => {
    expect(normaliseSlipText(input)).toBe(output);
  });
});
