import "server-only";
import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import { desc, eq, lt } from "drizzle-orm";
import { logUnexpected } from "@/lib/log";
import type { ReceiptFormat } from "@/lib/receipt-number";
import { StatementFileError, type SettlementFormat } from "@/lib/statements";
import { db } from "../client";
import { importRuns, staff as staffTable } from "../schema";
import { recordAudit, staffActor } from "../queries/audit";
import { importReceiptsFile, type ReceiptImportSummary } from "./receipts";
import { importSettlementFile, type SettlementImportSummary } from "./settlements";
import type { FileSource } from "./source";
import type { StaffPrincipal } from "../queries/staff";

/**
 * Imports started from the browser (/staff/imports), through the same engine
 * as `npm run import` (importReceiptsFile, importSettlementFile — each all or
 * nothing, idempotent, matching afterwards). Admins only. The run is logged
 * as `running` before the engine starts and finished with the engine's
 * summary, or with the one-line reason it refused the file.
 */

/** Browser uploads stay small enough to hold in memory; larger statements go through the CLI. */
const MAX_UPLOAD_BYTES = 20 * 1024 * 1024;

export type ImportRequest =
  | { kind: "receipts"; fileName: string; bytes: Uint8Array }
  | { kind: "settlements"; fileName: string; bytes: Uint8Array; format?: SettlementFormat; profile?: string };

export type ImportRunResult = { ok: true; id: number } | { ok: false; code: "forbidden" | "too_large" | "empty" };

export type ImportSummary = ({ kind: "receipts" } & ReceiptImportSummary) | ({ kind: "settlements" } & SettlementImportSummary);

export async function runImport(
  staff: StaffPrincipal,
  request: ImportRequest,
  options: { timeZone: string; receiptFormat?: ReceiptFormat; now?: () => Date },
): Promise<ImportRunResult> {
  const now = options.now ?? (() => new Date());
  if (staff.role !== "admin") {
    await recordAudit(db(), { actor: staffActor(staff.id), action: "import.run", objectType: "import", outcome: "refused", detail: { code: "forbidden" } });
    return { ok: false, code: "forbidden" };
  }
  if (request.bytes.length === 0) return { ok: false, code: "empty" };
  if (request.bytes.length > MAX_UPLOAD_BYTES) return { ok: false, code: "too_large" };

  const fileName = request.fileName.slice(-200) || "upload";
  const fileHash = createHash("sha256").update(request.bytes).digest("hex");
  const format = request.kind === "settlements" ? (request.format ?? null) : null;
  const profile = request.kind === "settlements" ? (request.profile ?? null) : null;
  const [run] = await db().transaction(async (tx) => {
    const rows = await tx
      .insert(importRuns)
      .values({ staffId: staff.id, kind: request.kind, fileName, fileHash, sizeBytes: request.bytes.length, format, profile, status: "running", startedAt: now() })
      .returning({ id: importRuns.id });
    await recordAudit(tx, { actor: staffActor(staff.id), action: "import.start", objectType: "import", objectId: rows[0]!.id, outcome: "ok", detail: { kind: request.kind, fileHash } });
    return rows;
  });

  let summary: ImportSummary | null = null;
  let failure: string | null = null;
  try {
    // Read in the chunks a file stream gives, exactly as `npm run import` reads a file.
    const source: FileSource = { name: fileName, open: () => chunksOf(request.bytes) };
    summary =
      request.kind === "receipts"
        ? { kind: "receipts", ...(await importReceiptsFile(source, { timeZone: options.timeZone, receiptFormat: options.receiptFormat })) }
        : { kind: "settlements", ...(await importSettlementFile(source, { format: request.format, profile: request.profile, timeZone: options.timeZone })) };
  } catch (error) {
    // The engine's own refusals are one line about the file (no payer data); anything else gets an error id.
    failure = error instanceof StatementFileError ? error.message : `error ${logUnexpected("import_failed", error, { importRun: run!.id })}`;
  }

  await db().transaction(async (tx) => {
    await tx
      .update(importRuns)
      .set({
        status: summary ? "done" : "failed",
        summary,
        failure,
        finishedAt: now(),
        // What read the file, recognised or as asked.
        ...(summary?.kind === "settlements" ? { format: summary.format, profile: summary.profile } : {}),
      })
      .where(eq(importRuns.id, run!.id));
    await recordAudit(tx, {
      actor: staffActor(staff.id),
      action: "import.finish",
      objectType: "import",
      objectId: run!.id,
      outcome: summary ? "ok" : "failed",
      detail: { kind: request.kind, read: summary?.read ?? null, inserted: summary?.inserted ?? null },
    });
  });
  return { ok: true, id: run!.id };
}

const CHUNK_BYTES = 256 * 1024;

function chunksOf(bytes: Uint8Array): AsyncIterable<Uint8Array> {
  return Readable.from(Array.from({ length: Math.ceil(bytes.length / CHUNK_BYTES) }, (_, i) => bytes.subarray(i * CHUNK_BYTES, (i + 1) * CHUNK_BYTES)));
}

const runColumns = {
  id: importRuns.id,
  kind: importRuns.kind,
  fileName: importRuns.fileName,
  fileHash: importRuns.fileHash,
  sizeBytes: importRuns.sizeBytes,
  format: importRuns.format,
  profile: importRuns.profile,
  status: importRuns.status,
  summary: importRuns.summary,
  failure: importRuns.failure,
  startedAt: importRuns.startedAt,
  finishedAt: importRuns.finishedAt,
  staffEmail: staffTable.email,
};

export type ImportRunRow = Omit<Awaited<ReturnType<typeof listImportRuns>>["rows"][number], "summary"> & { summary: ImportSummary | null };

/** Past imports, newest first, keyset on id. Admins only (null otherwise). */
export async function listImportRuns(staff: StaffPrincipal, page: { cursor?: number; limit?: number } = {}) {
  const limit = page.limit ?? 25;
  if (staff.role !== "admin") return { rows: [], next: null };
  const rows = await db()
    .select(runColumns)
    .from(importRuns)
    .innerJoin(staffTable, eq(staffTable.id, importRuns.staffId))
    .where(page.cursor === undefined ? undefined : lt(importRuns.id, page.cursor))
    .orderBy(desc(importRuns.id))
    .limit(limit + 1);
  return { rows: rows.slice(0, limit), next: rows.length > limit ? rows[limit - 1]!.id : null };
}

export async function importRunById(staff: StaffPrincipal, id: number): Promise<ImportRunRow | null> {
  if (staff.role !== "admin") return null;
  const [row] = await db().select(runColumns).from(importRuns).innerJoin(staffTable, eq(staffTable.id, importRuns.staffId)).where(eq(importRuns.id, id)).limit(1);
  return row ? { ...row, summary: row.summary as ImportSummary | null } : null;
}
