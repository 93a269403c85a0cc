import type { Locale } from "./i18n";

/**
 * Canned replies for the ticket desk, in both languages. The clerk picks one,
 * edits it if needed, and it goes out in the resident's language (the
 * ticket's locale), whatever language the console is in.
 */
export const CANNED_REPLIES = {
  checking_with_bank: {
    title: { "zh-CN": "正在与银行核实", en: "Checking with the bank" },
    body: {
      "zh-CN": "您好，我们已收到您的反馈，正在与银行核实这笔缴费的到账情况，核实后会第一时间通知您。请勿重复缴费。",
      en: "Thank you for your report. We are checking this payment with the bank and will tell you as soon as we know. Please do not pay again.",
    },
  },
  need_proof: {
    title: { "zh-CN": "请补充付款凭证", en: "Please send proof of payment" },
    body: {
      "zh-CN": "您好，为尽快处理，请上传付款凭证（如银行短信截图或转账回单），需能看清付款时间、金额和收款方。",
      en: "To handle this quickly, please upload proof of payment (such as a bank SMS screenshot or a transfer receipt) showing the time, the amount and the payee.",
    },
  },
  posted_now: {
    title: { "zh-CN": "已入账", en: "Payment has posted" },
    body: {
      "zh-CN": "您好，您的缴费现已入账，无需再做任何操作。感谢您的耐心等待。",
      en: "Your payment has now posted. Nothing more is needed from you. Thank you for your patience.",
    },
  },
  refund_arranged: {
    title: { "zh-CN": "已安排退款", en: "Refund arranged" },
    body: {
      "zh-CN": "您好，多缴的款项已安排原路退回，一般在5个工作日内到账，请留意您的付款账户。",
      en: "The extra amount will be refunded to the account you paid from, usually within 5 business days.",
    },
  },
  record_entered: {
    title: { "zh-CN": "已补录", en: "Record entered" },
    body: {
      "zh-CN": "您好，我们已根据您提供的凭证完成补录，缴费记录现已可查询。",
      en: "We have entered your payment from the proof you sent; it now shows in the system.",
    },
  },
} as const satisfies Record<string, { title: Record<Locale, string>; body: Record<Locale, string> }>;

export type CannedReplyId = keyof typeof CANNED_REPLIES;
export const CANNED_REPLY_IDS = Object.keys(CANNED_REPLIES) as CannedReplyId[];

export function isCannedReplyId(value: unknown): value is CannedReplyId {
  return typeof value === "string" && Object.hasOwn(CANNED_REPLIES, value);
}

/** The canned reply's text in the resident's language (zh-CN unless the ticket was opened in English). */
export function cannedReplyText(id: CannedReplyId, ticketLocale: string): string {
  return CANNED_REPLIES[id].body[ticketLocale === "en" ? "en" : "zh-CN"];
}
