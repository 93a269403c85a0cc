import { bigint, bigserial, index, integer, jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import { staff } from "./staff";

/**
 * Statements and billing files uploaded from the console (/staff/imports):
 * who, which file, its hash, and what the import engine reported. The row is
 * written `running` before the import starts and finished afterwards, so the
 * list shows an import in progress to everyone.
 */
export const importRuns = pgTable(
  "import_runs",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    staffId: bigint("staff_id", { mode: "number" })
      .notNull()
      .references(() => staff.id),
    /** receipts | settlements */
    kind: text("kind").notNull(),
    fileName: text("file_name").notNull(),
    fileHash: text("file_hash").notNull(),
    sizeBytes: integer("size_bytes").notNull(),
    format: text("format"),
    profile: text("profile"),
    /** running | done | failed */
    status: text("status").notNull(),
    /** The engine's summary (counts and rejected line numbers; no payer data). */
    summary: jsonb("summary").$type<Record<string, unknown>>(),
    /** failed: the one-line reason the engine gave (a StatementFileError message) or an error id. */
    failure: text("failure"),
    startedAt: timestamp("started_at", { withTimezone: true }).notNull(),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
  },
  (t) => [index("import_runs_started_idx").on(t.startedAt, t.id)],
);
