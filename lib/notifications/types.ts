import { z } from "zod";

/**
 * Notifications to residents. They are written to the outbox in the same
 * transaction as the change they announce and delivered at least once by the
 * relay; receivers drop repeats by the dedupe key.
 *
 * `to` is the resident's email address or phone number (PII): it goes to the
 * transport and nowhere else — never into a log line, an error or a metric.
 */

export const NOTIFICATION_KINDS = ["ticket_created", "info_requested", "ticket_resolved", "ticket_escalated", "staff_replied", "payment_posted", "payment_overdue", "payment_voided", "payment_refunded", "payment_reversed"] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

export const NOTIFICATION_LOCALES = ["zh-CN", "en"] as const;
export type NotificationLocale = (typeof NOTIFICATION_LOCALES)[number];

/** email → SMTP; webhook → the SMS gateway (or any receiver) behind NOTIFY_WEBHOOK_URL. */
export const NOTIFICATION_CHANNELS = ["email", "webhook"] as const;
export type NotificationChannel = (typeof NOTIFICATION_CHANNELS)[number];

export const ZNotificationPayload = z.object({
  kind: z.enum(NOTIFICATION_KINDS),
  ticketRef: z.string().min(1).max(64),
  locale: z.enum(NOTIFICATION_LOCALES),
  to: z.string().min(1).max(254),
  trackingUrl: z.url().optional(),
  /** "Tell me when it posts" notices (payment_*): the signed link that stops them. ticketRef then names the receipt (…0029). */
  unsubscribeUrl: z.url().optional(),
});
export type NotificationPayload = z.infer<typeof ZNotificationPayload>;

/** One outbox row on its way out. */
export type OutboundMessage = { dedupeKey: string; channel: NotificationChannel; payload: NotificationPayload };

export type Transport = {
  /** Resolves once the receiver accepted the message; throws a TransportError otherwise. */
  send(message: OutboundMessage): Promise<void>;
  close?(): Promise<void> | void;
};

export type Transports = Partial<Record<NotificationChannel, Transport>>;

/**
 * A delivery failure reduced to a short code (`smtp_econnection`,
 * `webhook_http_503`…): the outbox keeps the code, never the message, which
 * may quote the recipient's address.
 */
export class TransportError extends Error {
  constructor(readonly code: string) {
    super(`notification not accepted (${code})`);
    this.name = "TransportError";
  }
}

/** Email addresses go by email; anything else is a phone number for the SMS gateway behind the webhook. */
export function channelForContact(contact: string): NotificationChannel {
  return contact.includes("@") ? "email" : "webhook";
}

/** Tickets store any locale string; notifications come in the two complete languages, zh-CN by default. */
export function notificationLocale(locale: string | null | undefined): NotificationLocale {
  return locale === "en" ? "en" : "zh-CN";
}

/** The error code to store for any failure: a TransportError's own code, a safe generic one for the rest. */
export function failureCode(error: unknown): string {
  if (error instanceof TransportError) return error.code;
  return "unexpected";
}
