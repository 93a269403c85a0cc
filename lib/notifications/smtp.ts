import { createHash } from "node:crypto";
import nodemailer from "nodemailer";
import { renderMessage } from "./templates";
import { TransportError, type OutboundMessage, type Transport } from "./types";

/**
 * Email through any SMTP server (SMTP_URL, e.g. smtp://user:pass@host:587;
 * smtps:// for implicit TLS). The Message-ID is derived from the dedupe key,
 * so a message the relay had to send twice (at least once) is the same
 * message to the receiving mail system.
 */
export function createSmtpTransport(options: { url: string; from: string; timeoutMs?: number }): Transport {
  const timeout = options.timeoutMs ?? 10_000;
  const transporter = nodemailer.createTransport({
    url: options.url,
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: 3 * timeout,
  });
  const domain = messageIdDomain(options.from);

  return {
    async send(message: OutboundMessage) {
      const { subject, text } = renderMessage(message.payload);
      try {
        await transporter.sendMail({
          from: options.from,
          to: message.payload.to,
          subject,
          text,
          messageId: `<${createHash("sha256").update(message.dedupeKey).digest("hex").slice(0, 32)}@${domain}>`,
          headers: { "X-Paystatus-Dedupe-Key": message.dedupeKey },
        });
      } catch (error) {
        throw new TransportError(smtpErrorCode(error));
      }
    },
    close() {
      transporter.close();
    },
  };
}

/** A short code from nodemailer's error (its message can quote the recipient): `smtp_550`, `smtp_econnection`. */
export function smtpErrorCode(error: unknown): string {
  const e = error as { responseCode?: unknown; code?: unknown } | null;
  if (typeof e?.responseCode === "number" && e.responseCode >= 400 && e.responseCode < 600) return `smtp_${e.responseCode}`;
  if (typeof e?.code === "string" && /^[A-Z_]{2,24}$/.test(e.code)) return `smtp_${e.code.toLowerCase()}`;
  return "smtp_error";
}

function messageIdDomain(from: string): string {
  const domain = /@([A-Za-z0-9.-]+)>?\s*$/.exec(from)?.[1];
  return domain ?? "paystatus.invalid";
}
