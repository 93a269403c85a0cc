import "server-only";
import { and, asc, eq, inArray, isNull, lt, or } from "drizzle-orm";
import { env } from "@/lib/env";
import { channelForContact, notificationLocale } from "@/lib/notifications/types";
import { receiptHint, SUBSCRIBABLE, unsubscribeToken } from "@/lib/posting-notice";
import { receiptLink } from "@/lib/receipt-link";
import { db, type Executor } from "../client";
import { postingSubscriptions, receipts } from "../schema";
import { enqueueNotification } from "./outbox";
import { publicStatus } from "./status";
import { receiptPosted } from "./ticket-jobs";

/**
 * "Tell me when it posts" (issue 14). A subscription holds one contact for one
 * receipt; its notices go through the outbox in the transaction that decides
 * them; the contact is deleted with the last one (the payment posted).
 */

export type NoticeOptions = { now?: Date; timeZone?: string; baseUrl?: string };

export type SubscribeOutcome = { kind: "subscribed" } | { kind: "not_allowed" };

/**
 * Subscribes a contact to a receipt whose status is still waiting (pending,
 * awaiting_bank, overdue) — re-derived here, inside the transaction, so a page
 * rendered before the payment posted cannot subscribe to a posted one. The same
 * contact twice is one subscription.
 */
export async function subscribeToPosting(receiptNo: string, contact: string, locale: string, options: NoticeOptions = {}, executor: Executor = db()): Promise<SubscribeOutcome> {
  const now = options.now ?? new Date();
  const timeZone = options.timeZone ?? env().TZ;
  return executor.transaction(async (tx) => {
    const [receipt] = await tx.select({ id: receipts.id }).from(receipts).where(eq(receipts.receiptNo, receiptNo)).for("share").limit(1);
    if (!receipt) return { kind: "not_allowed" };
    const current = await publicStatus(receiptNo, { now, timeZone }, tx);
    if (!current || !SUBSCRIBABLE.includes(current.status.code)) return { kind: "not_allowed" };
    await tx
      .insert(postingSubscriptions)
      .values({ receiptId: receipt.id, contact, locale: notificationLocale(locale), createdAt: now })
      .onConflictDoNothing({ target: [postingSubscriptions.receiptId, postingSubscriptions.contact] });
    return { kind: "subscribed" };
  });
}

/** Deletes the subscription the unsubscribe link names; true when there was one. */
export async function unsubscribe(subscriptionId: number, executor: Executor = db()): Promise<boolean> {
  const deleted = await executor.delete(postingSubscriptions).where(eq(postingSubscriptions.id, subscriptionId)).returning({ id: postingSubscriptions.id });
  return deleted.length > 0;
}

/**
 * The receipts just became posted (called by matching's hook, inside its
 * transaction): one `payment_posted` notice per subscription, then the contact
 * is deleted. Re-checks "posted" set-based under the row locks, as the ticket hook does.
 */
export async function notifyPostedSubscribers(receiptIds: number[], tx: Executor, options: NoticeOptions = {}): Promise<number> {
  if (receiptIds.length === 0) return 0;
  const due = await tx
    .select({ id: postingSubscriptions.id, contact: postingSubscriptions.contact, locale: postingSubscriptions.locale, receiptNo: receipts.receiptNo })
    .from(postingSubscriptions)
    .innerJoin(receipts, eq(receipts.id, postingSubscriptions.receiptId))
    .where(and(inArray(postingSubscriptions.receiptId, receiptIds), receiptPosted))
    .orderBy(asc(postingSubscriptions.id))
    .for("update", { of: postingSubscriptions });
  for (const s of due) await notice(tx, "payment_posted", s, options);
  if (due.length > 0) await tx.delete(postingSubscriptions).where(inArray(postingSubscriptions.id, due.map((s) => s.id)));
  return due.length;
}

/**
 * A bank returned a credit that had posted these receipts (db/import/match-reversals.ts, inside matching's
 * transaction): each subscription on them gets one `payment_reversed` notice per returned line, and stays,
 * so its contact hears again when the payment posts.
 */
export async function notifyReversedSubscribers(reversals: { receiptId: number; reversalLineId: number }[], tx: Executor, options: NoticeOptions = {}): Promise<number> {
  if (reversals.length === 0) return 0;
  const lineOf = new Map<number, number[]>();
  for (const r of reversals) lineOf.set(r.receiptId, [...(lineOf.get(r.receiptId) ?? []), r.reversalLineId]);
  const due = await tx
    .select({ id: postingSubscriptions.id, receiptId: postingSubscriptions.receiptId, contact: postingSubscriptions.contact, locale: postingSubscriptions.locale, receiptNo: receipts.receiptNo })
    .from(postingSubscriptions)
    .innerJoin(receipts, eq(receipts.id, postingSubscriptions.receiptId))
    .where(inArray(postingSubscriptions.receiptId, [...lineOf.keys()]))
    .orderBy(asc(postingSubscriptions.id));
  let sent = 0;
  for (const s of due) {
    for (const line of lineOf.get(s.receiptId) ?? []) {
      await notice(tx, "payment_reversed", s, options, `payment_reversed:sub:${s.id}:line:${line}`);
      sent++;
    }
  }
  return sent;
}

const OVERDUE_BATCH = 200;

/**
 * Worker job: subscriptions whose payment is now overdue get one
 * `payment_overdue` notice (the subscription stays, for the posting notice);
 * one whose payment posted without the hook seeing it gets its posting notice
 * now. Rows are taken FOR UPDATE SKIP LOCKED, so workers share the work.
 */
export async function notifyOverdueSubscribers(now: Date, options: NoticeOptions = {}, executor: Executor = db()): Promise<{ overdue: number; posted: number; ended: number }> {
  const timeZone = options.timeZone ?? env().TZ;
  return executor.transaction(async (tx) => {
    const candidates = await tx
      .select({
        id: postingSubscriptions.id,
        receiptId: postingSubscriptions.receiptId,
        contact: postingSubscriptions.contact,
        locale: postingSubscriptions.locale,
        receiptNo: receipts.receiptNo,
        overdueNotifiedAt: postingSubscriptions.overdueNotifiedAt,
      })
      .from(postingSubscriptions)
      .innerJoin(receipts, eq(receipts.id, postingSubscriptions.receiptId))
      // A payment made less than a day ago cannot be overdue yet (its expected date is today at the earliest).
      .where(
        or(
          // A receipt voided or refunded ends its subscription whenever it happens.
          inArray(receipts.billingStatus, ["voided", "refunded", "refund_pending"]),
          and(isNull(postingSubscriptions.overdueNotifiedAt), or(isNull(receipts.paidAt), lt(receipts.paidAt, new Date(now.getTime() - 86_400_000)))),
        ),
      )
      .orderBy(asc(postingSubscriptions.id))
      .limit(OVERDUE_BATCH)
      .for("update", { of: postingSubscriptions, skipLocked: true });
    let overdue = 0;
    let ended = 0;
    const postedReceipts: number[] = [];
    const endedSubscriptions: number[] = [];
    const statuses = new Map<string, string>();
    for (const s of candidates) {
      if (!statuses.has(s.receiptNo)) statuses.set(s.receiptNo, (await publicStatus(s.receiptNo, { now, timeZone }, tx))?.status.code ?? "not_found");
      const code = statuses.get(s.receiptNo);
      if (code === "posted") postedReceipts.push(s.receiptId);
      const last = code === "voided" ? "payment_voided" : code === "refunded" || code === "refund_pending" ? "payment_refunded" : null;
      if (last) {
        // The last notice: nothing will post any more, so the contact goes with it (as after the posting notice).
        await notice(tx, last, s, { ...options, now });
        endedSubscriptions.push(s.id);
        ended++;
        continue;
      }
      if (code !== "overdue" || s.overdueNotifiedAt) continue;
      await notice(tx, "payment_overdue", s, { ...options, now });
      await tx.update(postingSubscriptions).set({ overdueNotifiedAt: now }).where(eq(postingSubscriptions.id, s.id));
      overdue++;
    }
    if (endedSubscriptions.length > 0) await tx.delete(postingSubscriptions).where(inArray(postingSubscriptions.id, endedSubscriptions));
    const posted = await notifyPostedSubscribers([...new Set(postedReceipts)], tx, options);
    return { overdue, posted, ended };
  });
}

async function notice(
  tx: Executor,
  kind: "payment_posted" | "payment_overdue" | "payment_voided" | "payment_refunded" | "payment_reversed",
  s: { id: number; contact: string; locale: string; receiptNo: string },
  options: NoticeOptions,
  dedupeKey = `${kind}:sub:${s.id}`,
): Promise<void> {
  const config = env();
  const base = options.baseUrl ?? config.PUBLIC_BASE_URL ?? `http://localhost:${config.PORT}`;
  await enqueueNotification(tx, {
    channel: channelForContact(s.contact),
    // One notice of each kind per subscription, however often the hook or the job runs.
    dedupeKey,
    payload: {
      kind,
      ticketRef: receiptHint(s.receiptNo),
      locale: notificationLocale(s.locale),
      to: s.contact,
      trackingUrl: receiptLink(base, config.RECEIPT_LINK_SECRET, s.receiptNo),
      unsubscribeUrl: new URL(`/unsubscribe/${unsubscribeToken(config.AUTH_SECRET, s.id)}`, base).toString(),
    },
  });
}
