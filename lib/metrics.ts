import { Counter, Registry } from "prom-client";

/**
 * Per-instance Prometheus counters (Prometheus sums instances). Database-wide
 * gauges — queue depth, SLA breaches, outbox backlog — are read at scrape time.
 */
const globalForMetrics = globalThis as unknown as { paystatusMetrics?: ReturnType<typeof createMetrics> };

function createMetrics() {
  const registry = new Registry();
  return {
    registry,
    lookups: new Counter({ name: "paystatus_lookups_total", help: "Resident lookups by outcome", labelNames: ["outcome"] as const, registers: [registry] }),
    tickets: new Counter({ name: "paystatus_tickets_opened_total", help: "Resident reports by outcome (created, replayed, existing, answer, needs_proof)", labelNames: ["outcome"] as const, registers: [registry] }),
  };
}

export function metrics() {
  globalForMetrics.paystatusMetrics ??= createMetrics();
  return globalForMetrics.paystatusMetrics;
}
