import type { DateFormat } from "./fields";
import type { SettlementFormat } from "./types";

/**
 * Statement profiles: how one bank's export names its columns, writes its
 * dates, and which channel its lines belong to when the file does not say.
 * Encoding is never part of a profile: it is detected from the bytes.
 */

export type SettlementColumn = "bankRef" | "amount" | "valueDate" | "channel" | "payerAccount" | "remittance";

export type SettlementProfile = {
  name: string;
  format: SettlementFormat;
  description: string;
  /** CSV only: our column → the export's header text. bankRef, amount and valueDate are required. */
  columns?: Partial<Record<SettlementColumn, string>>;
  /** CSV only: header texts present in the export that we do not store. */
  ignoredColumns?: string[];
  dateFormat?: DateFormat;
  /** Channel for every line when the file has no channel column. */
  channel?: string | null;
};

export const SETTLEMENT_PROFILES: readonly SettlementProfile[] = [
  {
    name: "default",
    format: "csv",
    description: "paystatus CSV: bank_ref,amount,value_date,channel,payer_account,remittance",
    columns: { bankRef: "bank_ref", amount: "amount", valueDate: "value_date", channel: "channel", payerAccount: "payer_account", remittance: "remittance" },
    dateFormat: "YYYY-MM-DD",
  },
  {
    // Chinese bank account detail export (交易明细): GBK, 2026/11/03 dates, 1,234.50 amounts.
    name: "cn-bank",
    format: "csv",
    description: "Chinese bank detail export: 交易流水号,交易金额,交易日期,对方账号,摘要",
    columns: { bankRef: "交易流水号", amount: "交易金额", valueDate: "交易日期", payerAccount: "对方账号", remittance: "摘要" },
    ignoredColumns: ["对方户名", "余额", "账户余额", "币种", "序号"],
    dateFormat: "YYYY/MM/DD",
    channel: "online_bank",
  },
  {
    // UnionPay POS settlement (清算明细) as acquirers send it.
    name: "unionpay-pos",
    format: "csv",
    description: "UnionPay POS settlement: 检索参考号,清算金额,清算日期,卡号,商户订单号",
    columns: { bankRef: "检索参考号", amount: "清算金额", valueDate: "清算日期", payerAccount: "卡号", remittance: "商户订单号" },
    ignoredColumns: ["终端号", "手续费", "交易时间"],
    dateFormat: "YYYYMMDD",
    channel: "pos",
  },
  { name: "default", format: "camt053", description: "ISO 20022 camt.053 bank-to-customer statement", channel: "online_bank" },
  { name: "default", format: "mt940", description: "SWIFT MT940 customer statement", channel: "online_bank" },
];

export function findProfile(format: SettlementFormat, name = "default"): SettlementProfile | null {
  return SETTLEMENT_PROFILES.find((p) => p.format === format && p.name === name) ?? null;
}
