import "server-only";
import { and, asc, eq, inArray, isNull, lte, sql } from "drizzle-orm";
import { log } from "@/lib/log";
import { retryDelayMs } from "@/lib/notifications/backoff";
import {
  failureCode,
  NOTIFICATION_CHANNELS,
  ZNotificationPayload,
  type NotificationChannel,
  type NotificationPayload,
  type OutboundMessage,
  type Transports,
} from "@/lib/notifications/types";
import { db, type Db, type Executor } from "../client";
import { outbox } from "../schema";

/**
 * The notification outbox (SPEC §4 "No data lost"): a notification is a row
 * written in the same transaction as the change it announces, so it exists
 * exactly when the change does. The relay delivers rows at least once; the
 * dedupe key lets receivers drop a repeat.
 */

export type EnqueueNotification = { channel: NotificationChannel; dedupeKey: string; payload: NotificationPayload };

/** Queues a notification inside the caller's transaction; a second call with the same dedupe key is a no-op. Returns whether a row was added. */
export async function enqueueNotification(tx: Executor, notification: EnqueueNotification): Promise<boolean> {
  const payload = ZNotificationPayload.safeParse(notification.payload);
  // The payload holds a contact: the error names the field, never the value.
  if (!payload.success) throw new Error(`invalid notification payload (${String(payload.error.issues[0]?.path[0] ?? "?")})`);
  if (!NOTIFICATION_CHANNELS.includes(notification.channel)) throw new Error("invalid notification channel");
  if (notification.dedupeKey.length === 0 || notification.dedupeKey.length > 200) throw new Error("invalid notification dedupe key");
  const inserted = await tx
    .insert(outbox)
    .values({ channel: notification.channel, dedupeKey: notification.dedupeKey, payload: payload.data })
    .onConflictDoNothing({ target: outbox.dedupeKey })
    .returning({ id: outbox.id });
  return inserted.length > 0;
}

export type RelayResult = {
  /** Rows this run took (and leased) for delivery. */
  claimed: number;
  sent: number;
  failed: number;
  /** Due rows left queued because their channel has no transport configured. */
  unconfigured: number;
};

/** A claimed row is invisible to other relays this long; a relay that dies mid-send frees its rows when it ends. */
export const RELAY_LEASE_MS = 2 * 60_000;

/** Channels already warned about in this process: the warning is one line, not one per tick. */
const warnedChannels = new Set<NotificationChannel>();

/**
 * Delivers due notifications. Claiming is one short transaction: due rows
 * are locked with FOR UPDATE SKIP LOCKED (a concurrent relay on another
 * instance takes other rows) and leased by pushing next_attempt_at forward.
 * Sending happens outside it; a row is marked sent only once its transport
 * accepted it. A failure stores a short code and the next attempt time.
 */
export async function relayOutbox(
  options: { now: Date; limit?: number; transports: Transports; leaseMs?: number; random?: () => number },
  executor: Db = db(),
): Promise<RelayResult> {
  const { now, transports } = options;
  const limit = options.limit ?? 50;
  const leaseMs = options.leaseMs ?? RELAY_LEASE_MS;
  const configured = NOTIFICATION_CHANNELS.filter((c) => transports[c]);
  const missing = NOTIFICATION_CHANNELS.filter((c) => !transports[c]);
  const unconfigured = missing.length > 0 ? await countDue(executor, missing, now) : 0;
  if (unconfigured > 0) warnUnconfigured(missing);
  if (configured.length === 0) return { claimed: 0, sent: 0, failed: 0, unconfigured };

  const claimed = await executor.transaction(async (tx) => {
    const due = await tx
      .select({ id: outbox.id })
      .from(outbox)
      .where(and(isNull(outbox.sentAt), lte(outbox.nextAttemptAt, now), inArray(outbox.channel, configured)))
      .orderBy(asc(outbox.nextAttemptAt), asc(outbox.id))
      .limit(limit)
      .for("update", { skipLocked: true });
    if (due.length === 0) return [];
    return tx
      .update(outbox)
      .set({ nextAttemptAt: new Date(now.getTime() + leaseMs) })
      .where(inArray(outbox.id, due.map((d) => d.id)))
      .returning({ id: outbox.id, channel: outbox.channel, dedupeKey: outbox.dedupeKey, payload: outbox.payload, attempts: outbox.attempts });
  });

  const result: RelayResult = { claimed: claimed.length, sent: 0, failed: 0, unconfigured };
  const startedAt = Date.now();
  for (const row of claimed.sort((a, b) => a.id - b.id)) {
    // Past most of the lease another relay may take these rows; leave them to it rather than send twice.
    if (Date.now() - startedAt > leaseMs * 0.75) break;
    const outcome = await deliver(row, transports);
    const attempts = row.attempts + 1;
    if (outcome.ok) {
      await executor
        .update(outbox)
        .set({ sentAt: new Date(), attempts, lastError: null })
        .where(and(eq(outbox.id, row.id), isNull(outbox.sentAt)));
      result.sent++;
    } else {
      await executor
        .update(outbox)
        .set({ attempts, lastError: outcome.code, nextAttemptAt: new Date(now.getTime() + retryDelayMs(attempts, options.random)) })
        .where(and(eq(outbox.id, row.id), isNull(outbox.sentAt)));
      result.failed++;
      log("warn", "notification_failed", { outboxId: row.id, channel: row.channel, code: outcome.code, attempts });
    }
  }
  return result;
}

async function deliver(
  row: { channel: string; dedupeKey: string; payload: Record<string, unknown> },
  transports: Transports,
): Promise<{ ok: true } | { ok: false; code: string }> {
  const channel = row.channel as NotificationChannel;
  const transport = transports[channel];
  if (!transport) return { ok: false, code: "no_transport" };
  const payload = ZNotificationPayload.safeParse(row.payload);
  if (!payload.success) return { ok: false, code: "invalid_payload" };
  const message: OutboundMessage = { channel, dedupeKey: row.dedupeKey, payload: payload.data };
  try {
    await transport.send(message);
    return { ok: true };
  } catch (error) {
    return { ok: false, code: failureCode(error) };
  }
}

async function countDue(executor: Db, channels: NotificationChannel[], now: Date): Promise<number> {
  const [row] = await executor
    .select({ n: sql<number>`count(*)::int` })
    .from(outbox)
    .where(and(isNull(outbox.sentAt), lte(outbox.nextAttemptAt, now), inArray(outbox.channel, channels)));
  return Number(row?.n ?? 0);
}

function warnUnconfigured(channels: NotificationChannel[]): void {
  const fresh = channels.filter((c) => !warnedChannels.has(c));
  if (fresh.length === 0) return;
  for (const c of fresh) warnedChannels.add(c);
  log("warn", "notifications_not_configured", {
    channels: fresh.join(","),
    hint: "set SMTP_URL and MAIL_FROM (email) or NOTIFY_WEBHOOK_URL and NOTIFY_WEBHOOK_SECRET (webhook); messages stay queued",
  });
}

/** Counts for health and metrics: messages waiting, and how many of them have failed at least once. */
export async function outboxBacklog(tx: Executor = db()): Promise<{ queued: number; failing: number }> {
  const [row] = await tx
    .select({
      queued: sql<number>`count(*)::int`,
      failing: sql<number>`count(*) filter (where ${outbox.attempts} > 0)::int`,
    })
    .from(outbox)
    .where(isNull(outbox.sentAt));
  return { queued: Number(row?.queued ?? 0), failing: Number(row?.failing ?? 0) };
}
