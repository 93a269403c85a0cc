import "server-only";
import { recordConfirmation } from "@/db/queries/channel-confirmations";
import { MAX_NOTIFY_BYTES, type NotifyChannel, type RefusalReason, type VerifyResult } from "@/lib/channels";
import { log, logUnexpected } from "@/lib/log";
import { metrics } from "@/lib/metrics";
import { readCappedBody } from "../body";

/**
 * The one path of the three channel endpoints: read the raw body (capped),
 * verify it (lib/channels), store the confirmation (db/queries), and answer the
 * way that channel expects. Every notification counts in
 * `paystatus_channel_notifications_total{channel,outcome}`. A refusal, and a
 * confirmation that needs a person (no receipt, a different amount), is also one
 * log line with the channel and the reason — never the body, order number or
 * transaction id. The plain cases (recorded and linked, a retry, a payment that
 * did not succeed) are only counted: at the channels' rate a line each would be
 * most of this path's work, and the confirmation itself is stored.
 */

export type Answers = {
  /** Accepted (or a retry of something already accepted): the channel stops retrying. */
  ok: () => Response;
  /** Refused: the channel retries later (harmless: refusals are deterministic and nothing was stored). */
  fail: (status: number, code: string) => Response;
};

const STATUS_FOR: Record<Exclude<RefusalReason, "not_success">, number> = {
  missing_headers: 401,
  stale_timestamp: 401,
  bad_signature: 401,
  decrypt_failed: 400,
  malformed: 400,
  bad_amount: 400,
};

export async function handleNotification(channel: NotifyChannel, request: Request, verify: (body: Buffer) => VerifyResult, answers: Answers): Promise<Response> {
  const count = (outcome: string) => metrics().channelNotifications.inc({ channel, outcome });
  try {
    const body = await readCappedBody(request, MAX_NOTIFY_BYTES);
    if (body === null) {
      count("too_large");
      log("warn", "channel_notification_refused", { channel, reason: "too_large" });
      return answers.fail(413, "too_large");
    }
    const verified = verify(body);
    if (!verified.ok) {
      count(verified.reason);
      // An authentic notice of a payment that did not succeed: acknowledged, nothing to store.
      if (verified.reason === "not_success") return answers.ok();
      log("warn", "channel_notification_refused", { channel, reason: verified.reason });
      return answers.fail(STATUS_FOR[verified.reason], verified.reason);
    }
    const outcome = await recordConfirmation(verified.payment);
    if (outcome.kind === "refused") {
      count(outcome.reason);
      log("warn", "channel_notification_refused", { channel, reason: outcome.reason });
      return answers.fail(422, outcome.reason);
    }
    if (outcome.kind === "duplicate") count("duplicate");
    else if (outcome.linked && !outcome.amountDiffers) count("recorded");
    else {
      count(outcome.linked ? "amount_differs" : "recorded_unlinked");
      log("info", "channel_confirmation_recorded", { channel, confirmationId: outcome.id, linked: outcome.linked, amountDiffers: outcome.amountDiffers });
    }
    return answers.ok();
  } catch (error) {
    count("internal_error");
    logUnexpected("channel_notification_failed", error, { channel });
    return answers.fail(500, "internal_error");
  }
}

/** A channel whose key is unset has no endpoint. */
export const channelOff = () => new Response(null, { status: 404, headers: { "Cache-Control": "no-store" } });
