import type { DateFormat } from "./fields";
import type { SettlementFormat } from "./types";

/**
 * Statement profiles: how one bank's export names its columns, writes its
 * dates, and which channel its lines belong to when the file does not say.
 * Encoding is never part of a profile: it is detected from the bytes.
 */

export type SettlementColumn =
  | "bankRef"
  | "amount"
  | "valueDate"
  | "channel"
  | "payerAccount"
  | "remittance"
  /** Split amounts (收入/支出, 贷方/借方发生额): one of the two is filled. */
  | "credit"
  | "debit"
  /** 借贷标志 or 收/支 beside an unsigned amount. */
  | "direction"
  /** A channel bill's fee (手续费, 服务费), and what the channel settles before the fee (应结订单金额, 商家实收). */
  | "fee"
  | "settled"
  /** 交易状态 or 业务类型: lines that are not completed payments (refunds, closed orders) are skipped. */
  | "status"
  | "currency"
  /** Read only into the derived reference of an export without one (see derivedRef). */
  | "time"
  | "balance";

/**
 * One header layout of a CSV export. A profile is its own first layout; banks
 * that changed their export over the years have `variants`.
 */
export type SettlementLayout = {
  /** Our column → the export's header text. Remittance may be several columns, joined in file order. */
  columns?: Partial<Record<Exclude<SettlementColumn, "remittance">, string>> & { remittance?: string | string[] };
  /** Header texts present in the export that we do not store. */
  ignoredColumns?: string[];
  /** The one date form of a plain export; a framed export's dates are read in every year-first form (fields.ts). */
  dateFormat?: Exclude<DateFormat, "year-first">;
  /** Title lines before the header, totals after the data, WeChat cell marks (csv-rows.ts). */
  framed?: boolean;
  /** The first cell of a footer block this export has besides the usual totals lines. */
  footerStart?: string;
  /** Status values (of the `status` column) that are not payments, and the reason counted for them. */
  skipStatus?: { pattern: RegExp; reason: string };
  /**
   * The export has no reference of its own: each line gets one derived from its cells (date,
   * time, amounts, balance, counterparty account, text), so the same line in an overlapping
   * download gets the same reference and a clerk has a handle for it.
   */
  derivedRef?: boolean;
};

export type SettlementProfile = SettlementLayout & {
  name: string;
  format: SettlementFormat;
  description: string;
  /** Channel for every line when the file has no channel column. */
  channel?: string | null;
  variants?: SettlementLayout[];
};

/** A profile's layouts, the profile itself first. */
export const layoutsOf = (profile: SettlementProfile): SettlementLayout[] => [profile, ...(profile.variants ?? [])];

/** A channel bill's refunds, closed and unpaid orders. */
const NOT_PAID = { pattern: /退款|退还|关闭|撤销|失败|等待|未支付|REFUND|REVOKED|CLOSED|NOTPAY|PAYERROR/i, reason: "not a completed payment" };

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
  {
    // WeChat Pay merchant platform 交易账单: every cell backtick-prefixed, a summary block after the data.
    // 订单金额 is what the resident paid (the receipt's amount); 应结订单金额 less 手续费 is what WeChat settles.
    name: "wechat-merchant",
    format: "csv",
    description: "WeChat Pay merchant bill (交易账单): 交易时间,…,微信订单号,商户订单号,…,手续费,费率,订单金额,…",
    columns: {
      valueDate: "交易时间",
      bankRef: "微信订单号",
      remittance: ["商户订单号", "商品名称", "商户数据包"],
      status: "交易状态",
      currency: "货币种类",
      settled: "应结订单金额",
      fee: "手续费",
      amount: "订单金额",
    },
    ignoredColumns: [
      "公众账号ID", "商户号", "特约商户号", "设备号", "用户标识", "交易类型", "付款银行", "代金券金额", "微信退款单号",
      "商户退款单号", "退款金额", "充值券退款金额", "退款类型", "退款状态", "费率", "申请退款金额", "费率备注",
    ],
    framed: true,
    footerStart: "总交易单数",
    skipStatus: NOT_PAID,
    channel: "wechat",
    variants: [
      {
        // The bill before 应结订单金额/订单金额 were introduced: 总金额 is both.
        columns: { valueDate: "交易时间", bankRef: "微信订单号", remittance: ["商户订单号", "商品名称", "商户数据包"], status: "交易状态", currency: "货币种类", amount: "总金额", fee: "手续费" },
        ignoredColumns: [
          "公众账号ID", "商户号", "子商户号", "设备号", "用户标识", "交易类型", "付款银行", "企业红包金额", "微信退款单号",
          "商户退款单号", "退款金额", "企业红包退款金额", "退款类型", "退款状态", "费率",
        ],
        framed: true,
        footerStart: "总交易单数",
        skipStatus: NOT_PAID,
      },
    ],
  },
  {
    // Alipay merchant 业务明细 (GBK): "#" title and footer lines; 商家实收 less 服务费 is what Alipay settles.
    name: "alipay-merchant",
    format: "csv",
    description: "Alipay merchant detail (业务明细): 支付宝交易号,商户订单号,业务类型,…,订单金额（元）,商家实收（元）,…,服务费（元）",
    columns: {
      bankRef: "支付宝交易号",
      remittance: ["商户订单号", "商品名称", "备注"],
      status: "业务类型",
      valueDate: "完成时间",
      payerAccount: "对方账户",
      amount: "订单金额（元）",
      settled: "商家实收（元）",
      fee: "服务费（元）",
    },
    ignoredColumns: [
      "创建时间", "门店编号", "门店名称", "操作员", "终端号", "支付宝红包（元）", "集分宝（元）", "支付宝优惠（元）", "商家优惠（元）",
      "券核销金额（元）", "券名称", "商家红包消费金额（元）", "卡消费金额（元）", "退款批次号/请求号", "分润（元）",
    ],
    framed: true,
    skipStatus: NOT_PAID,
    channel: "alipay",
  },
  {
    // WeChat personal bill (微信支付账单明细): 16 title lines; 收入 lines are payments received.
    name: "wechat-personal",
    format: "csv",
    description: "WeChat personal bill (微信支付账单明细): 交易时间,交易类型,交易对方,商品,收/支,金额(元),…,交易单号,商户单号,备注",
    columns: { valueDate: "交易时间", remittance: ["商品", "商户单号", "备注"], direction: "收/支", amount: "金额(元)", status: "当前状态", bankRef: "交易单号" },
    // 交易对方 is a person's name: never stored.
    ignoredColumns: ["交易类型", "交易对方", "支付方式"],
    framed: true,
    skipStatus: NOT_PAID,
    channel: "wechat",
  },
  {
    // Alipay personal bill (GBK): "#"/"----" title and footer lines; the newer export renamed most columns.
    name: "alipay-personal",
    format: "csv",
    description: "Alipay personal bill: 交易号,商家订单号,交易创建时间,付款时间,…,金额（元）,收/支,交易状态,… (or 交易时间,交易分类,…,交易订单号,商家订单号)",
    columns: { bankRef: "交易号", remittance: ["商家订单号", "商品名称", "备注"], valueDate: "付款时间", amount: "金额（元）", direction: "收/支", status: "交易状态" },
    ignoredColumns: ["交易创建时间", "最近修改时间", "交易来源地", "类型", "交易对方", "服务费（元）", "成功退款（元）", "资金状态"],
    framed: true,
    skipStatus: NOT_PAID,
    channel: "alipay",
    variants: [
      {
        columns: {
          valueDate: "交易时间",
          payerAccount: "对方账号",
          remittance: ["商品说明", "商家订单号", "备注"],
          direction: "收/支",
          amount: "金额",
          status: "交易状态",
          bankRef: "交易订单号",
        },
        ignoredColumns: ["交易分类", "交易对方", "收/付款方式"],
        framed: true,
        skipStatus: NOT_PAID,
      },
    ],
  },
  {
    // ICBC online banking 明细: split income/expense columns, booked amounts in the account's currency, no reference.
    name: "icbc",
    format: "csv",
    description: "ICBC detail: 交易日期,摘要,交易场所,…,记账金额(收入),记账金额(支出),记账币种,余额,对方户名",
    columns: { valueDate: "交易日期", remittance: "摘要", credit: "记账金额(收入)", debit: "记账金额(支出)", currency: "记账币种", balance: "余额" },
    ignoredColumns: ["交易场所", "交易国家或地区简称", "钞/汇", "交易金额(收入)", "交易金额(支出)", "交易币种", "对方户名", "对方账号"],
    framed: true,
    derivedRef: true,
    channel: "online_bank",
  },
  {
    // CCB: the personal .xls (signed 交易金额, no reference) and the corporate detail (split 借方/贷方发生额).
    name: "ccb",
    format: "csv",
    description: "CCB detail: 序号,摘要,币别,钞汇,交易日期,交易金额,账户余额,交易地点/附言,对方账号与户名 (or 交易时间,借方发生额（支取）,贷方发生额（收入）,…)",
    columns: { remittance: ["摘要", "交易地点/附言"], currency: "币别", valueDate: "交易日期", amount: "交易金额", balance: "账户余额", payerAccount: "对方账号与户名" },
    ignoredColumns: ["序号", "钞汇"],
    framed: true,
    derivedRef: true,
    channel: "online_bank",
    variants: [
      {
        columns: {
          time: "交易时间",
          debit: "借方发生额（支取）",
          credit: "贷方发生额（收入）",
          balance: "余额",
          currency: "币种",
          payerAccount: "对方账号",
          valueDate: "记账日期",
          remittance: ["摘要", "备注", "企业流水号"],
          bankRef: "账户明细编号-交易流水号",
        },
        ignoredColumns: ["对方户名", "对方开户机构", "凭证种类", "凭证号"],
        framed: true,
      },
    ],
  },
  {
    name: "abc",
    format: "csv",
    description: "ABC detail: 交易日期,交易时间,交易金额,本次余额,对手信息,日志号,交易渠道,交易用途",
    columns: { valueDate: "交易日期", time: "交易时间", amount: "交易金额", balance: "本次余额", payerAccount: "对手信息", bankRef: "日志号", remittance: "交易用途" },
    ignoredColumns: ["交易渠道"],
    framed: true,
    channel: "online_bank",
  },
  {
    name: "boc",
    format: "csv",
    description: "BOC detail: 交易日期,业务摘要,对方账户名称,对方账户账号,币种,钞/汇,收入金额,支出金额,余额,交易渠道/场所,附言",
    columns: { valueDate: "交易日期", remittance: ["业务摘要", "附言"], payerAccount: "对方账户账号", currency: "币种", credit: "收入金额", debit: "支出金额", balance: "余额" },
    ignoredColumns: ["对方账户名称", "钞/汇", "交易渠道/场所"],
    framed: true,
    derivedRef: true,
    channel: "online_bank",
  },
  {
    // CMB: the 交易流水 export (signed amount, counterparty in one cell) and the older income/expense layout.
    name: "cmb",
    format: "csv",
    description: "CMB detail: 记账日期,货币,交易金额,联机余额,交易摘要,对手信息 (or 交易日期,交易时间,收入,支出,余额,交易类型,交易备注)",
    columns: { valueDate: "记账日期", currency: "货币", amount: "交易金额", balance: "联机余额", remittance: "交易摘要", payerAccount: "对手信息" },
    framed: true,
    derivedRef: true,
    channel: "online_bank",
    variants: [
      {
        columns: { valueDate: "交易日期", time: "交易时间", credit: "收入", debit: "支出", balance: "余额", remittance: ["交易类型", "交易备注"] },
        framed: true,
        derivedRef: true,
      },
    ],
  },
  {
    name: "bocom",
    format: "csv",
    description: "BOCOM detail: 交易时间,摘要,交易金额,借贷标志,余额,对方户名,对方账号,交易流水号",
    columns: { valueDate: "交易时间", remittance: "摘要", amount: "交易金额", direction: "借贷标志", balance: "余额", payerAccount: "对方账号", bankRef: "交易流水号" },
    ignoredColumns: ["对方户名"],
    framed: true,
    channel: "online_bank",
  },
  { name: "default", format: "camt053", description: "ISO 20022 camt.053 bank-to-customer statement", channel: "online_bank" },
  { name: "default", format: "mt940", description: "SWIFT MT940 customer statement", channel: "online_bank" },
];

export function findProfile(format: SettlementFormat, name = "default"): SettlementProfile | null {
  return SETTLEMENT_PROFILES.find((p) => p.format === format && p.name === name) ?? null;
}

/**
 * True when the profile's lines are one signed amount column and nothing else to interpret
 * (no title lines, split amounts, direction flags, statuses or fees): only such files may take
 * the import's COPY lane, whose SQL reads the amount column alone.
 */
export function isPlainProfile(profile: SettlementProfile): boolean {
  return layoutsOf(profile).every((l) => !l.framed && !l.derivedRef && !l.columns?.credit && !l.columns?.direction && !l.columns?.status && !l.columns?.fee && !Array.isArray(l.columns?.remittance));
}
