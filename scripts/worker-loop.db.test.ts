import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { OutboundMessage, Transport } from "@/lib/notifications/types";
import { addDays, zonedParts } from "@/lib/dates";
import { db } from "@/db/client";
import { outbox, rateLimits, tickets } from "@/db/schema";
import { databaseKind, setupTestDatabase } from "@/db/testing/test-db";
import { enqueueNotification } from "@/db/queries/outbox";
import { runWorkerOnce, startWorker, type WorkerRun } from "./worker-loop";

setupTestDatabase();

const recorder = () => {
  const sent: OutboundMessage[] = [];
  const transport: Transport = { send: (m) => Promise.resolve(void sent.push(m)) };
  return { sent, transport };
};

async function enqueue(dedupeKey: string) {
  await db().transaction((tx) =>
    enqueueNotification(tx, { channel: "email", dedupeKey, payload: { kind: "ticket_created", ticketRef: "T-2345-6789", locale: "en", to: "resident@example.com" } }),
  );
}

beforeEach(async () => {
  await db().delete(outbox);
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe(`worker on ${databaseKind()}`, () => {
  it("one pass escalates, relays (the escalation's message too) and purges day-old rate-limit counters", async () => {
    // Real time: the relay only takes rows whose (database-clock) next attempt is due.
    const now = new Date();
    const longAgo = addDays(zonedParts(now, "Asia/Shanghai").date, -20);
    const [t] = await db()
      .insert(tickets)
      .values({
        ref: "T-WRKR-0001",
        receiptNo: "TESTWORKER0001",
        category: "not_posted",
        status: "waiting_on_settlement",
        queue: "bank_liaison",
        paymentStatus: "pending",
        expectedDate: longAgo,
        description: "test",
        payerContact: "resident@example.com",
        trackingTokenHash: "x",
      })
      .returning({ id: tickets.id });
    await enqueue("test:worker:1");
    await db().insert(rateLimits).values([
      { key: "test:old", windowStart: new Date(now.getTime() - 25 * 3600_000), hits: 3 },
      { key: "test:fresh", windowStart: new Date(now.getTime() - 3600_000), hits: 3 },
    ]);
    const { sent, transport } = recorder();

    const run = await runWorkerOnce(now, { transports: { email: transport }, timeZone: "Asia/Shanghai", baseUrl: "https://pay.example.gov.cn" });
    expect(run).toEqual({ escalated: 1, relay: { claimed: 2, sent: 2, failed: 0, unconfigured: 0 }, postingNotices: { overdue: 0, posted: 0, ended: 0 }, purgedRateLimits: 1, retentionPurged: 0, proofsChecked: 0, channelBillExceptions: 0, orderQueries: { asked: 0, confirmed: 0, notPaid: 0, notFound: 0, errors: 0 }, purgedFormProofs: 0, purgedSignInChallenges: 0 });
    expect(sent.map((m) => m.payload.kind).sort()).toEqual(["ticket_created", "ticket_escalated"]);
    expect((await db().select().from(tickets).where(eq(tickets.id, t!.id)))[0]).toMatchObject({ status: "open" });
    expect((await db().select().from(rateLimits)).map((r) => r.key)).toContain("test:fresh");
    expect((await db().select().from(rateLimits)).map((r) => r.key)).not.toContain("test:old");
  });

  it("logs a failing job without data and still runs the others", async () => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    await enqueue("test:worker:2");
    const { sent, transport } = recorder();
    // An impossible time zone makes escalation throw.
    const run = await runWorkerOnce(new Date(), { transports: { email: transport }, timeZone: "Mars/Olympus" });
    expect(run.escalated).toBeNull();
    expect(run.relay).toMatchObject({ sent: 1 });
    expect(run.purgedRateLimits).not.toBeNull();
    expect(sent).toHaveLength(1);
    const lines = errors.mock.calls.map((c) => String(c[0]));
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: "error", event: "worker_job_failed", job: "escalate_waiting_tickets", errorName: "RangeError" });
    expect(lines[0]).not.toContain("Mars");
  });

  it("runs passes one after another, never overlapping, until stopped", async () => {
    vi.spyOn(console, "log").mockImplementation(() => {});
    let inFlight = 0;
    let maxInFlight = 0;
    const slow: Transport = {
      send: async () => {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 30));
        inFlight--;
      },
    };
    const runs: WorkerRun[] = [];
    let seeded = 0;
    const worker = startWorker({
      intervalMs: 5,
      transports: { email: slow },
      timeZone: "Asia/Shanghai",
      onRun: (run) => {
        runs.push(run);
      },
    });
    // Keep feeding it work while it runs.
    while (runs.length < 4) {
      await enqueue(`test:worker:loop:${seeded++}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await worker.stop();
    const count = runs.length;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(runs.length).toBe(count);
    expect(maxInFlight).toBe(1);
    const unsent = await db().select().from(outbox).where(eq(outbox.dedupeKey, `test:worker:loop:0`));
    expect(unsent[0]?.sentAt).not.toBeNull();
  });
});
