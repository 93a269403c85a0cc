import { createHmac } from "node:crypto";
import { renderMessage } from "./templates";
import { TransportError, type OutboundMessage, type Transport } from "./types";

/**
 * Delivery by HTTP POST to NOTIFY_WEBHOOK_URL — typically an SMS gateway for
 * residents who left a phone number. The body is signed so the receiver can
 * tell it came from us: `X-Paystatus-Signature: sha256=<hex HMAC-SHA256 of the
 * raw body with NOTIFY_WEBHOOK_SECRET>`. Any 2xx means accepted; anything
 * else, a timeout or a network error is retried by the relay.
 */

export type WebhookBody = { dedupe_key: string; kind: string; ticket_ref: string; locale: string; to: string; text: string };

export const SIGNATURE_HEADER = "X-Paystatus-Signature";

export function webhookSignature(secret: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

export function webhookBody(message: OutboundMessage): WebhookBody {
  const { payload } = message;
  return {
    dedupe_key: message.dedupeKey,
    kind: payload.kind,
    ticket_ref: payload.ticketRef,
    locale: payload.locale,
    to: payload.to,
    text: renderMessage(payload).sms,
  };
}

export function createWebhookTransport(options: { url: string; secret: string; timeoutMs?: number }): Transport {
  const timeoutMs = options.timeoutMs ?? 10_000;
  return {
    async send(message: OutboundMessage) {
      const body = JSON.stringify(webhookBody(message));
      let response: Response;
      try {
        response = await fetch(options.url, {
          method: "POST",
          headers: {
            "Content-Type": "application/json; charset=utf-8",
            [SIGNATURE_HEADER]: webhookSignature(options.secret, body),
            "Idempotency-Key": message.dedupeKey,
          },
          body,
          redirect: "error",
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (error) {
        const name = (error as { name?: unknown } | null)?.name;
        throw new TransportError(name === "TimeoutError" || name === "AbortError" ? "webhook_timeout" : "webhook_network");
      }
      // Drain the body so the connection can be reused; its content is not ours to log.
      await response.arrayBuffer().catch(() => undefined);
      if (response.status < 200 || response.status > 299) throw new TransportError(`webhook_http_${response.status}`);
    },
  };
}
