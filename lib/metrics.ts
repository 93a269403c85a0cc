import { Counter, Histogram, Registry } from "prom-client";

export type ImportKind = "receipts" | "settlements";
/** imported; already_imported (same file hash, a no-op); refused (a file-level problem, nothing changed); failed (anything else). */
export type ImportResult = "imported" | "already_imported" | "refused" | "failed";
/** What became of each line of an imported file. */
export type ImportRowOutcome = "inserted" | "updated" | "duplicate" | "stale" | "skipped" | "rejected";

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
    channelNotifications: new Counter({
      name: "paystatus_channel_notifications_total",
      help: "Payment-channel notifications by channel and outcome (recorded, recorded_unlinked, amount_differs, duplicate, not_success, or the refusal reason)",
      labelNames: ["channel", "outcome"] as const,
      registers: [registry],
    }),
    importRows: new Counter({
      name: "paystatus_import_rows_total",
      help: "Lines of committed receipt and statement imports by outcome (inserted, updated, duplicate, stale, skipped, rejected)",
      labelNames: ["kind", "outcome"] as const,
      registers: [registry],
    }),
    importDuration: new Histogram({
      name: "paystatus_import_duration_seconds",
      help: "Wall time of whole imports (parse, load, merge, matching) by result",
      labelNames: ["kind", "result"] as const,
      buckets: [0.1, 0.5, 1, 5, 15, 60, 180, 600, 1800],
      registers: [registry],
    }),
  };
}

export function metrics() {
  globalForMetrics.paystatusMetrics ??= createMetrics();
  return globalForMetrics.paystatusMetrics;
}
