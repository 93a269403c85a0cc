import { timingSafeEqual } from "node:crypto";
import { Gauge, Registry } from "prom-client";
import { ticketQueueGauges } from "@/db/queries/metrics";
import { logUnexpected } from "@/lib/log";
import { metrics } from "@/lib/metrics";

export const dynamic = "force-dynamic";

/** Prometheus scrape endpoint; off unless METRICS_TOKEN is set, then only with `Authorization: Bearer METRICS_TOKEN`. */
export async function GET(request: Request) {
  const token = process.env.METRICS_TOKEN;
  const given = Buffer.from(request.headers.get("authorization")?.replace(/^Bearer /, "") ?? "");
  if (!token || given.length !== Buffer.byteLength(token) || !timingSafeEqual(given, Buffer.from(token))) {
    return new Response(null, { status: 404 });
  }
  const scrape = new Registry();
  try {
    const { queues, outbox } = await ticketQueueGauges();
    const depth = new Gauge({ name: "paystatus_queue_depth", help: "Open tickets per queue", labelNames: ["queue"] as const, registers: [scrape] });
    const breaches = new Gauge({ name: "paystatus_sla_breaches", help: "Open tickets past their SLA per queue", labelNames: ["queue"] as const, registers: [scrape] });
    for (const q of queues) {
      depth.set({ queue: q.queue }, q.open);
      breaches.set({ queue: q.queue }, q.breached);
    }
    new Gauge({ name: "paystatus_outbox_backlog", help: "Notifications not yet delivered", registers: [scrape] }).set(outbox.queued);
    new Gauge({ name: "paystatus_outbox_failing", help: "Undelivered notifications that failed at least once", registers: [scrape] }).set(outbox.failing);
  } catch (error) {
    logUnexpected("metrics_scrape_failed", error);
    new Gauge({ name: "paystatus_database_up", help: "1 when the database answered the scrape", registers: [scrape] }).set(0);
  }
  const body = (await metrics().registry.metrics()) + "\n" + (await scrape.metrics());
  return new Response(body, { headers: { "Content-Type": metrics().registry.contentType, "Cache-Control": "no-store" } });
}
