import { db } from "@/db/client";
import { raiseChannelBillExceptions } from "@/db/queries/channel-bills";
import { queryChannelOrders, type OrderQueryRun } from "@/db/queries/channel-order-queries";
import { orderQueryClientsFromConfig, type OrderQueryClient } from "@/lib/channels/order-query";
import { relayOutbox, type RelayResult } from "@/db/queries/outbox";
import { notifyOverdueSubscribers } from "@/db/queries/posting-subscriptions";
import { runProofChecks } from "@/db/queries/proof-checks";
import { purgeRateLimitsOnce } from "@/db/queries/rate-limit";
import { purgeExpiredFormProofs } from "@/db/queries/form-proofs";
import { purgeExpiredTicketData } from "@/db/queries/retention";
import { purgeSignInChallenges } from "@/db/queries/staff-totp";
import { escalateWaitingTickets } from "@/db/queries/ticket-jobs";
import { env } from "@/lib/env";
import { extractOffThread } from "@/lib/proofs/extract-off-thread";
import { log, logUnexpected } from "@/lib/log";
import { transportsFromConfig } from "@/lib/notifications";
import type { Transports } from "@/lib/notifications/types";

/**
 * The worker loop (`npm run worker`, or in-process for the demo). Background work, safe to run on every instance at once (SPEC §4 "Scales
 * out": no job state in memory): the relay and escalation take rows FOR
 * UPDATE SKIP LOCKED, and housekeeping runs under a transaction-scoped
 * advisory lock, so N workers do each piece of work once.
 */

export type WorkerRun = {
  relay: RelayResult | null;
  escalated: number | null;
  /** "Tell me when it posts" notices queued by the overdue job (null = it failed). */
  postingNotices: { overdue: number; posted: number } | null;
  purgedRateLimits: number | null;
  /** Tickets whose personal data the retention job erased this pass (db/queries/retention.ts). */
  retentionPurged: number | null;
  /** Uploaded proofs read and checked against the store this pass (db/queries/proof-checks.ts). */
  proofsChecked: number | null;
  /** Confirmations raised as "not on the channel's bill" this pass (db/queries/channel-bills.ts). */
  channelBillExceptions: number | null;
  /** Active order queries this pass (db/queries/channel-order-queries.ts); all zero while no channel's query URL is set. */
  orderQueries: OrderQueryRun | null;
  /** Kept proofs of report forms never sent again (issue 18). */
  purgedFormProofs: number | null;
  /** Staff sign-in challenges spent or past their 10 minutes (db/queries/staff-totp.ts). */
  purgedSignInChallenges: number | null;
};

export type WorkerOptions = { transports?: Transports; timeZone?: string; baseUrl?: string; orderQueryClients?: OrderQueryClient[] };

const DAY_MS = 24 * 60 * 60_000;

/** One pass of every job. A failing job is logged (no data, no stack) and does not stop the others. Null = that job failed. */
export async function runWorkerOnce(now: Date = new Date(), options: WorkerOptions = {}): Promise<WorkerRun> {
  const transports = options.transports ?? defaultTransports();
  const run: WorkerRun = { relay: null, escalated: null, postingNotices: null, purgedRateLimits: null, retentionPurged: null, proofsChecked: null, channelBillExceptions: null, orderQueries: null, purgedFormProofs: null, purgedSignInChallenges: null };
  run.escalated = await job("escalate_waiting_tickets", () => escalateWaitingTickets(now, db(), options));
  // Before the subscribers' job: a payment the channel confirms now is not called overdue in the same pass.
  run.orderQueries = await job("query_channel_orders", () => queryChannelOrders(now, options.orderQueryClients ?? defaultOrderQueryClients()));
  run.postingNotices = await job("notify_posting_subscribers", () => notifyOverdueSubscribers(now, options));
  // After escalation, so its notifications go out in the same pass (they were queued after `now`).
  run.relay = await job("relay_outbox", () => relayOutbox({ now: new Date(Math.max(now.getTime(), Date.now())), transports }));
  run.purgedRateLimits = await job("purge_rate_limits", () => purgeRateLimitsOnce(new Date(now.getTime() - DAY_MS)));
  run.channelBillExceptions = await job("raise_channel_bill_exceptions", () => raiseChannelBillExceptions(now, options));
  run.retentionPurged = await job("purge_expired_ticket_data", () => purgeExpiredTicketData(now, env().RETENTION_DAYS));
  run.purgedFormProofs = await job("purge_expired_form_proofs", () => purgeExpiredFormProofs(now));
  run.purgedSignInChallenges = await job("purge_sign_in_challenges", () => purgeSignInChallenges(now));
  // Last: reading proofs is the slow job (about a second each), and nothing above waits for it.
  run.proofsChecked = await job("check_proofs", () => runProofChecks(now, { extract: (bytes, contentType) => extractOffThread(bytes, contentType), timeZone: options.timeZone }));
  return run;
}

async function job<T>(name: string, work: () => Promise<T>): Promise<T | null> {
  try {
    return await work();
  } catch (error) {
    logUnexpected("worker_job_failed", error, { job: name });
    return null;
  }
}

let cachedClients: OrderQueryClient[] | undefined;
function defaultOrderQueryClients(): OrderQueryClient[] {
  cachedClients ??= orderQueryClientsFromConfig(env());
  return cachedClients;
}

let cachedTransports: Transports | undefined;
function defaultTransports(): Transports {
  cachedTransports ??= transportsFromConfig(env());
  return cachedTransports;
}

export type RunningWorker = { stop: () => Promise<void> };

/**
 * Runs the jobs every `intervalMs`, measured from the end of one pass to the
 * start of the next, so a pass never overlaps the previous one. `stop`
 * waits for the pass in progress to finish.
 */
export function startWorker(options: WorkerOptions & { intervalMs: number; onRun?: (run: WorkerRun) => void }): RunningWorker {
  const transports = options.transports ?? transportsFromConfig(env());
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<void> = Promise.resolve();

  const tick = () => {
    current = runWorkerOnce(new Date(), { ...options, transports })
      .then((run) => {
        if (run.relay && (run.relay.sent > 0 || run.relay.failed > 0)) log("info", "notifications_relayed", { sent: run.relay.sent, failed: run.relay.failed });
        if (run.escalated) log("info", "tickets_escalated", { count: run.escalated });
        options.onRun?.(run);
      })
      .catch((error: unknown) => {
        logUnexpected("worker_pass_failed", error);
      })
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, options.intervalMs);
      });
  };

  log("info", "worker_started", {
    intervalMs: options.intervalMs,
    email: Boolean(transports.email),
    webhook: Boolean(transports.webhook),
  });
  timer = setTimeout(tick, 0);

  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await current;
      for (const transport of Object.values(transports)) await transport?.close?.();
      log("info", "worker_stopped");
    },
  };
}
