import { createSmtpTransport } from "./smtp";
import type { Transports } from "./types";
import { createWebhookTransport } from "./webhook";

export * from "./types";
export { renderMessage, type RenderedMessage } from "./templates";
export { retryDelayMs } from "./backoff";
export { createSmtpTransport } from "./smtp";
export { createWebhookTransport, webhookSignature, SIGNATURE_HEADER } from "./webhook";

/** The transports the configuration enables (lib/env validates the variables); an unset channel stays queued. */
export function transportsFromConfig(config: {
  SMTP_URL?: string;
  MAIL_FROM?: string;
  NOTIFY_WEBHOOK_URL?: string;
  NOTIFY_WEBHOOK_SECRET?: string;
}): Transports {
  const transports: Transports = {};
  if (config.SMTP_URL && config.MAIL_FROM) transports.email = createSmtpTransport({ url: config.SMTP_URL, from: config.MAIL_FROM });
  if (config.NOTIFY_WEBHOOK_URL && config.NOTIFY_WEBHOOK_SECRET) {
    transports.webhook = createWebhookTransport({ url: config.NOTIFY_WEBHOOK_URL, secret: config.NOTIFY_WEBHOOK_SECRET });
  }
  return transports;
}
