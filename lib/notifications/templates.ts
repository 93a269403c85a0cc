import type { NotificationKind, NotificationLocale, NotificationPayload } from "./types";

/**
 * What residents receive, in both languages. Messages carry the ticket
 * reference and the tracking link and nothing else about the resident or the
 * payment: mail and SMS travel through systems we do not control. Every
 * message also says what a fraudster's would not (we never ask for money or
 * codes), because official-looking payment messages are a phishing staple.
 */

export type RenderedMessage = {
  subject: string;
  /** Plain-text email body. */
  text: string;
  /** One short line for SMS (the webhook's `text`). */
  sms: string;
};

type Copy = { subject: string; lead: string; sms: string };

const COPY: Record<NotificationLocale, Record<NotificationKind, (ref: string) => Copy>> = {
  "zh-CN": {
    ticket_created: (ref) => ({
      subject: `您反映的缴费事项已受理（${ref}）`,
      lead: `我们已收到您反映的缴费事项，受理编号 ${ref}。工作人员会尽快办理，办理进展会在办件进度页面更新。`,
      sms: `您反映的缴费事项已受理，受理编号${ref}。`,
    }),
    info_requested: (ref) => ({
      subject: `请补充材料（${ref}）`,
      lead: `办理您的事项（受理编号 ${ref}）需要您补充信息或付款凭证。请打开办件进度页面查看需要什么并回复。`,
      sms: `您的缴费事项（受理编号${ref}）需要补充材料，请打开办件进度页面回复。`,
    }),
    ticket_resolved: (ref) => ({
      subject: `您反映的缴费事项已办结（${ref}）`,
      lead: `您反映的缴费事项（受理编号 ${ref}）已办结。详情请见办件进度页面。`,
      sms: `您的缴费事项（受理编号${ref}）已办结。`,
    }),
    ticket_escalated: (ref) => ({
      subject: `您的缴费事项已转人工跟进（${ref}）`,
      lead: `您的款项尚未在预计日期入账，您的事项（受理编号 ${ref}）已转交银行对接人员跟进。您无需重复缴费。`,
      sms: `您的款项尚未入账，事项（受理编号${ref}）已转人工跟进，无需重复缴费。`,
    }),
    staff_replied: (ref) => ({
      subject: `工作人员已回复（${ref}）`,
      lead: `工作人员回复了您的事项（受理编号 ${ref}）。请打开办件进度页面查看。`,
      sms: `工作人员已回复您的缴费事项（受理编号${ref}），请打开办件进度页面查看。`,
    }),
    payment_posted: (ref) => ({
      subject: `您的缴费已入账（收据尾号 ${ref}）`,
      lead: `您的缴费（收据尾号 ${ref}）已入账，无需任何操作，请勿重复缴费。`,
      sms: `您的缴费（收据尾号${ref}）已入账，无需任何操作。`,
    }),
    payment_voided: (ref) => ({
      subject: `您的收据已作废（收据尾号 ${ref}）`,
      lead: `收费系统已将此收据（尾号 ${ref}）作废，因此不会再有入账通知。请勿重复缴费；如您已付款，请打开缴费状态页面查看处理办法。`,
      sms: `收据尾号${ref}已作废，不再有入账通知，请勿重复缴费。`,
    }),
    payment_refunded: (ref) => ({
      subject: `您的缴费已登记退款（收据尾号 ${ref}）`,
      lead: `此收据（尾号 ${ref}）的缴费已登记退款，因此不会再有入账通知。退款金额和到账时间请打开缴费状态页面查看。`,
      sms: `收据尾号${ref}的缴费已登记退款，不再有入账通知。`,
    }),
    payment_reversed: (ref) => ({
      subject: `银行已退回您的一笔缴费（收据尾号 ${ref}）`,
      lead: `银行退回了此收据（尾号 ${ref}）的一笔入账，此收据暂未入账。请先不要重复缴费，请打开缴费状态页面查看处理办法，工作人员会跟进办理。`,
      sms: `收据尾号${ref}的一笔入账被银行退回，请勿重复缴费。`,
    }),
    payment_overdue: (ref) => ({
      subject: `您的缴费尚未入账（收据尾号 ${ref}）`,
      lead: `您的缴费（收据尾号 ${ref}）未在预计日期入账。请勿重复缴费；您可以在缴费状态页面申请核查，工作人员将跟进办理。入账后我们会再通知您一次。`,
      sms: `收据尾号${ref}的缴费尚未入账，请勿重复缴费。`,
    }),
  },
  en: {
    ticket_created: (ref) => ({
      subject: `We have received your report about a payment (${ref})`,
      lead: `We have received your report about a payment. Your reference number is ${ref}. We will update the tracking page as we work on it.`,
      sms: `We have received your payment report, reference number ${ref}.`,
    }),
    info_requested: (ref) => ({
      subject: `We need more information (${ref})`,
      lead: `To deal with your report (reference number ${ref}) we need more information or proof of payment. Open the tracking page to see what is needed and reply.`,
      sms: `Your payment report ${ref} needs more information. Please reply on the tracking page.`,
    }),
    ticket_resolved: (ref) => ({
      subject: `Your payment report is completed (${ref})`,
      lead: `Your payment report (reference number ${ref}) has been completed. The tracking page has the details.`,
      sms: `Your payment report ${ref} has been completed.`,
    }),
    ticket_escalated: (ref) => ({
      subject: `A member of staff is following up your payment (${ref})`,
      lead: `Your payment has not posted by the expected date, so your report (reference number ${ref}) has been passed to our bank liaison team. You do not need to pay again.`,
      sms: `Your payment has not posted yet; report ${ref} is now with our staff. Do not pay again.`,
    }),
    staff_replied: (ref) => ({
      subject: `Staff have replied to your report (${ref})`,
      lead: `A member of staff has replied to your report (reference number ${ref}). Open the tracking page to read it.`,
      sms: `Staff have replied to your payment report ${ref}. See the tracking page.`,
    }),
    payment_posted: (ref) => ({
      subject: `Your payment has posted (receipt ${ref})`,
      lead: `Your payment (receipt ${ref}) has posted. You do not need to do anything; do not pay again.`,
      sms: `Your payment (receipt ${ref}) has posted. Nothing more to do.`,
    }),
    payment_voided: (ref) => ({
      subject: `Your receipt has been voided (receipt ${ref})`,
      lead: `The billing system has voided this receipt (${ref}), so there will be no posting notice. Do not pay again; if you did pay, the status page says what to do.`,
      sms: `Receipt ${ref} was voided; no posting notice will follow. Do not pay again.`,
    }),
    payment_refunded: (ref) => ({
      subject: `A refund is recorded for your payment (receipt ${ref})`,
      lead: `A refund has been recorded for the payment of this receipt (${ref}), so there will be no posting notice. The status page shows the amount and when it arrives.`,
      sms: `Receipt ${ref}: a refund is recorded; no posting notice will follow.`,
    }),
    payment_reversed: (ref) => ({
      subject: `The bank returned a payment (receipt ${ref})`,
      lead: `The bank returned a payment recorded for this receipt (${ref}), so it is no longer posted. Do not pay again yet; the status page says what to do, and staff will follow it up.`,
      sms: `Receipt ${ref}: the bank returned a payment. Do not pay again yet.`,
    }),
    payment_overdue: (ref) => ({
      subject: `Your payment has not posted yet (receipt ${ref})`,
      lead: `Your payment (receipt ${ref}) has not posted by the expected date. Do not pay again; you can report it from the status page and staff will follow it up. We will tell you once more when it posts.`,
      sms: `Receipt ${ref}: your payment has not posted yet. Do not pay again.`,
    }),
  },
};

const FOOTER: Record<NotificationLocale, { track: string; status: string; unsubscribe: string; smsUnsubscribe: string; noLink: string; safety: string; noReply: string; sender: string }> = {
  "zh-CN": {
    track: "查看进度：",
    status: "查看缴费状态：",
    unsubscribe: "不再接收此通知：",
    smsUnsubscribe: "退订：",
    noLink: "您可以使用提交时获得的私人链接查看办件进度。",
    safety: "我们不会通过短信或邮件要求您转账、重复缴费或提供验证码。",
    noReply: "此邮件由系统自动发送，请勿直接回复。",
    sender: "【缴费查询】",
  },
  en: {
    track: "Track it here: ",
    status: "Payment status: ",
    unsubscribe: "Stop these notices: ",
    smsUnsubscribe: "Stop: ",
    noLink: "You can follow it with the tracking link you were given when you sent it.",
    safety: "We will never ask you by text or email to transfer money, pay again or give us a code.",
    noReply: "This message was sent automatically; please do not reply to it.",
    sender: "[Payment status] ",
  },
};

/** Subject, email body and SMS line for a notification; nothing from the payload but the reference and link. */
export function renderMessage(payload: Pick<NotificationPayload, "kind" | "ticketRef" | "locale" | "trackingUrl" | "unsubscribeUrl">): RenderedMessage {
  const copy = COPY[payload.locale][payload.kind](payload.ticketRef);
  const footer = FOOTER[payload.locale];
  const isPayment = payload.kind.startsWith("payment_");
  const link = payload.trackingUrl ? `${isPayment ? footer.status : footer.track}${payload.trackingUrl}` : footer.noLink;
  const unsubscribe = payload.unsubscribeUrl ? ["", `${footer.unsubscribe}${payload.unsubscribeUrl}`] : [];
  const text = [copy.lead, "", link, ...unsubscribe, "", footer.safety, footer.noReply, ""].join("\n");
  const sms = `${footer.sender}${copy.sms}${payload.trackingUrl ? ` ${payload.trackingUrl}` : ""}${payload.unsubscribeUrl ? ` ${footer.smsUnsubscribe}${payload.unsubscribeUrl}` : ""}`;
  return { subject: copy.subject, text, sms };
}
