import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { eq, sql } from "drizzle-orm";
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createSmtpTransport } from "@/lib/notifications/smtp";
import type { OutboundMessage, Transport } from "@/lib/notifications/types";
import { createWebhookTransport, webhookSignature } from "@/lib/notifications/webhook";
import { db } from "../client";
import { outbox } from "../schema";
import { startSmtpSink } from "../testing/smtp-sink";
import { databaseKind, setupTestDatabase } from "../testing/test-db";
import { enqueueNotification, relayOutbox } from "./outbox";

setupTestDatabase();

const EMAIL = "resident@example.com";
const PHONE = "13800138000";
/** Relays run "a moment later": the database keeps microseconds, so a row enqueued within the current millisecond is not yet due at `new Date()`. */
const later = (ms: number) => new Date(Date.now() + ms);
const rowOf = async (dedupeKey: string) => (await db().select().from(outbox).where(eq(outbox.dedupeKey, dedupeKey)))[0]!;

function enqueue(dedupeKey: string, to = EMAIL, kind: "ticket_created" | "ticket_resolved" = "ticket_created") {
  return db().transaction((tx) =>
    enqueueNotification(tx, {
      channel: to.includes("@") ? "email" : "webhook",
      dedupeKey,
      payload: { kind, ticketRef: "T-7K4M-2Q9X", locale: "zh-CN", to, trackingUrl: "https://pay.example.gov.cn/t/T-7K4M-2Q9X" },
    }),
  );
}

beforeEach(async () => {
  // The relay takes every due row; each test starts from an empty outbox.
  await db().delete(outbox);
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe(`outbox on ${databaseKind()}`, () => {
  it("enqueues once per dedupe key", async () => {
    expect(await enqueue("test:idempotent")).toBe(true);
    expect(await enqueue("test:idempotent")).toBe(false);
    const rows = await db().select().from(outbox).where(eq(outbox.dedupeKey, "test:idempotent"));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ channel: "email", attempts: 0, sentAt: null, lastError: null });
  });

  it("rolls back with the caller's transaction", async () => {
    await expect(
      db().transaction(async (tx) => {
        await enqueueNotification(tx, { channel: "email", dedupeKey: "test:rolled-back", payload: { kind: "ticket_created", ticketRef: "T-2222-3333", locale: "en", to: EMAIL } });
        throw new Error("the change failed");
      }),
    ).rejects.toThrow("the change failed");
    expect(await db().select().from(outbox).where(eq(outbox.dedupeKey, "test:rolled-back"))).toHaveLength(0);
  });

  it("refuses a malformed payload without echoing the contact", async () => {
    const bad = { kind: "ticket_created", ticketRef: "T-2222-3333", locale: "fr", to: EMAIL } as unknown as Parameters<typeof enqueueNotification>[1]["payload"];
    const attempt = db().transaction((tx) => enqueueNotification(tx, { channel: "email", dedupeKey: "test:bad", payload: bad }));
    await expect(attempt).rejects.toThrow(/invalid notification payload \(locale\)/);
    await expect(attempt).rejects.not.toThrow(EMAIL);
  });

  it("delivers through a real SMTP server exactly once, with the reference in the subject", async () => {
    const smtp = await startSmtpSink();
    const email = createSmtpTransport({ url: `smtp://127.0.0.1:${smtp.port}`, from: "缴费查询 <no-reply@pay.example.gov.cn>" });
    try {
      await enqueue("ticket_created:T-7K4M-2Q9X");
      expect(await relayOutbox({ now: later(1000), transports: { email } })).toEqual({ claimed: 1, sent: 1, failed: 0, unconfigured: 0 });
      expect(await relayOutbox({ now: later(24 * 3600_000), transports: { email } })).toMatchObject({ claimed: 0, sent: 0 });
      expect(smtp.received).toHaveLength(1);
      const mail = smtp.received[0]!;
      expect(mail.subject).toBe("您反映的缴费事项已受理（T-7K4M-2Q9X）");
      expect(mail.text).toContain("https://pay.example.gov.cn/t/T-7K4M-2Q9X");
      expect(mail.headers.get("x-paystatus-dedupe-key")).toBe("ticket_created:T-7K4M-2Q9X");
      expect(JSON.stringify(mail.to)).toContain(EMAIL);
      const row = await rowOf("ticket_created:T-7K4M-2Q9X");
      expect(row.sentAt).not.toBeNull();
      expect(row.attempts).toBe(1);
    } finally {
      await email.close?.();
      await smtp.stop();
    }
  });

  it("keeps the message while the SMTP server is down and delivers it when it is back", async () => {
    const first = await startSmtpSink();
    const port = first.port;
    await first.stop();
    const email = createSmtpTransport({ url: `smtp://127.0.0.1:${port}`, from: "no-reply@pay.example.gov.cn", timeoutMs: 2000 });
    const logged = vi.spyOn(console, "log").mockImplementation(() => {});
    try {
      await enqueue("ticket_resolved:T-DOWN-0001", EMAIL, "ticket_resolved");
      const t1 = new Date();
      expect(await relayOutbox({ now: t1, transports: { email }, random: () => 0 })).toMatchObject({ claimed: 1, sent: 0, failed: 1 });
      let row = await rowOf("ticket_resolved:T-DOWN-0001");
      expect(row).toMatchObject({ attempts: 1, sentAt: null });
      expect(row.lastError).toMatch(/^smtp_[a-z0-9_]+$/);
      expect(row.nextAttemptAt.getTime()).toBe(t1.getTime() + 30_000);

      // Not due yet: untouched.
      expect(await relayOutbox({ now: new Date(t1.getTime() + 10_000), transports: { email } })).toMatchObject({ claimed: 0 });

      const t2 = new Date(t1.getTime() + 31_000);
      expect(await relayOutbox({ now: t2, transports: { email }, random: () => 0 })).toMatchObject({ failed: 1 });
      row = await rowOf("ticket_resolved:T-DOWN-0001");
      expect(row.attempts).toBe(2);
      expect(row.nextAttemptAt.getTime()).toBe(t2.getTime() + 60_000);

      // No log line carries the address or the transport's message.
      const lines = logged.mock.calls.map((c) => String(c[0]));
      expect(lines.some((l) => l.includes("notification_failed"))).toBe(true);
      for (const line of lines) expect(line).not.toContain(EMAIL);

      const back = await startSmtpSink(port);
      try {
        expect(await relayOutbox({ now: new Date(t2.getTime() + 61_000), transports: { email } })).toMatchObject({ claimed: 1, sent: 1, failed: 0 });
        expect(back.received).toHaveLength(1);
        expect(back.received[0]!.subject).toContain("T-7K4M-2Q9X");
        row = await rowOf("ticket_resolved:T-DOWN-0001");
        expect(row).toMatchObject({ attempts: 3, lastError: null });
        expect(row.sentAt).not.toBeNull();
      } finally {
        await back.stop();
      }
    } finally {
      await email.close?.();
    }
  });

  it("signs webhook deliveries and retries until the receiver answers 2xx", async () => {
    const secret = "webhook-secret-for-tests-0123456789";
    const calls: { signatureOk: boolean; body: Record<string, string> }[] = [];
    let status = 503;
    const server: Server = createServer((req: IncomingMessage, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const raw = Buffer.concat(chunks).toString("utf8");
        calls.push({ signatureOk: req.headers["x-paystatus-signature"] === webhookSignature(secret, raw), body: JSON.parse(raw) as Record<string, string> });
        res.writeHead(status).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
    const webhook = createWebhookTransport({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/sms`, secret });
    try {
      await enqueue("ticket_created:T-SMS-0001", PHONE);
      const t1 = new Date();
      expect(await relayOutbox({ now: t1, transports: { webhook } })).toMatchObject({ sent: 0, failed: 1 });
      expect((await rowOf("ticket_created:T-SMS-0001")).lastError).toBe("webhook_http_503");
      status = 200;
      expect(await relayOutbox({ now: new Date(t1.getTime() + 3600_000), transports: { webhook } })).toMatchObject({ sent: 1, failed: 0 });
      expect(calls).toHaveLength(2);
      expect(calls.every((c) => c.signatureOk)).toBe(true);
      expect(calls[1]!.body).toMatchObject({ dedupe_key: "ticket_created:T-SMS-0001", kind: "ticket_created", ticket_ref: "T-7K4M-2Q9X", locale: "zh-CN", to: PHONE });
      expect(calls[1]!.body.text).toContain("T-7K4M-2Q9X");
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it("times out a webhook that does not answer", async () => {
    const server = createServer(() => {
      /* never answers */
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
    const webhook = createWebhookTransport({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, secret: "x".repeat(32), timeoutMs: 300 });
    try {
      await enqueue("ticket_created:T-SLOW-0001", PHONE);
      expect(await relayOutbox({ now: later(1000), transports: { webhook } })).toMatchObject({ failed: 1 });
      expect((await rowOf("ticket_created:T-SLOW-0001")).lastError).toBe("webhook_timeout");
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it("leaves messages queued, with one warning line, when no transport is configured", async () => {
    const logged = vi.spyOn(console, "log").mockImplementation(() => {});
    await enqueue("ticket_created:T-NONE-0001");
    await enqueue("ticket_created:T-NONE-0002", PHONE);
    expect(await relayOutbox({ now: later(1000), transports: {} })).toEqual({ claimed: 0, sent: 0, failed: 0, unconfigured: 2 });
    expect(await relayOutbox({ now: later(1000), transports: {} })).toMatchObject({ unconfigured: 2 });
    const warnings = logged.mock.calls.map((c) => String(c[0])).filter((l) => l.includes("notifications_not_configured"));
    expect(warnings).toHaveLength(1);
    for (const line of warnings) expect(line).not.toMatch(/example\.com|13800138000/);
    const rows = await db().select().from(outbox);
    expect(rows.every((r) => r.attempts === 0 && r.sentAt === null)).toBe(true);
  });

  it("delivers each channel only through its own transport", async () => {
    const sent: OutboundMessage[] = [];
    const email: Transport = { send: (m) => Promise.resolve(void sent.push(m)) };
    await enqueue("ticket_created:T-MIX-0001");
    await enqueue("ticket_created:T-MIX-0002", PHONE);
    expect(await relayOutbox({ now: later(1000), transports: { email } })).toMatchObject({ claimed: 1, sent: 1, unconfigured: 1 });
    expect(sent.map((m) => m.channel)).toEqual(["email"]);
    expect((await rowOf("ticket_created:T-MIX-0002")).sentAt).toBeNull();
  });

  it.skipIf(databaseKind() === "pglite")("two relays at once never send a row twice (PostgreSQL; PGlite has one connection)", async () => {
    const keys = Array.from({ length: 30 }, (_, i) => `test:concurrent:${i}`);
    for (const key of keys) await enqueue(key);
    const sent: string[] = [];
    const slowEmail: Transport = {
      send: async (m) => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        sent.push(m.dedupeKey);
      },
    };
    const now = later(1000);
    const results = await Promise.all([
      relayOutbox({ now, limit: 20, transports: { email: slowEmail } }),
      relayOutbox({ now, limit: 20, transports: { email: slowEmail } }),
      relayOutbox({ now, limit: 20, transports: { email: slowEmail } }),
    ]);
    expect(results.reduce((n, r) => n + r.claimed, 0)).toBe(30);
    expect(sent.sort()).toEqual([...keys].sort());
    const [{ unsent }] = (await db().select({ unsent: sql<number>`count(*)::int` }).from(outbox).where(sql`${outbox.sentAt} is null`)) as [{ unsent: number }];
    expect(unsent).toBe(0);
  });
});

afterAll(() => {
  vi.restoreAllMocks();
});
