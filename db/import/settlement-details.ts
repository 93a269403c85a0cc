import "server-only";
import { parseSettlementDetails, type DetailProfile, type SettlementDetailRecord } from "@/lib/statements/settlement-details";
import { StatementFileError } from "@/lib/statements";
import { db, type Executor } from "../client";
import { channels, settlementDetailLines } from "../schema";
import { matchSettlements, type MatchSummary } from "./matching";
import { sha256Of, type FileSource } from "./source";

export type DetailImportSummary = { profile: string; fileHash: string; read: number; inserted: number; duplicates: number; batches: number; matching: MatchSummary };

/** Lines shown when a detail file is refused. */
const SHOW_REJECTED = 5;
const CHUNK = 2_000;

/**
 * Imports one settlement detail file (清算明细), all or nothing: any bad line refuses the whole file
 * (naming the first few), so a batch is never half-known. Idempotent: a line already stored (same
 * channel, terminal, batch, date, receipt and gross) is not stored again. Matching runs in the same
 * transaction, so the batch's receipts link and its credit (if already imported) pays them.
 */
export async function importSettlementDetailFile(file: FileSource, profile: DetailProfile, options: { timeZone: string }, tx: Executor = db()): Promise<DetailImportSummary> {
  const { sha256: fileHash } = await sha256Of(file.open());
  return tx.transaction(async (t) => {
    const known = new Set((await t.select({ code: channels.code }).from(channels)).map((c) => c.code));
    const records: SettlementDetailRecord[] = [];
    const rejected: string[] = [];
    let read = 0;
    for await (const events of parseSettlementDetails(file.open(), profile, known)) {
      for (const e of events) {
        read++;
        if (e.kind === "record") records.push(e.record);
        else if (e.kind === "rejected" && rejected.length < SHOW_REJECTED) rejected.push(`line ${e.line}: ${e.reason}`);
        else if (e.kind === "rejected") rejected.push("");
      }
    }
    if (rejected.length > 0) throw new StatementFileError(`${rejected.length} bad line(s): ${rejected.filter(Boolean).join("; ")}`);
    let inserted = 0;
    for (let i = 0; i < records.length; i += CHUNK) {
      const rows = records.slice(i, i + CHUNK).map((r) => ({
        ...r,
        fileHash,
        lineKey: [r.channel, r.terminalId ?? "", r.batchNo ?? "", r.batchDate, r.receiptRef, r.grossFen].join("|"),
      }));
      const done = await t.insert(settlementDetailLines).values(rows).onConflictDoNothing({ target: settlementDetailLines.lineKey }).returning({ id: settlementDetailLines.id });
      inserted += done.length;
    }
    const batches = new Set(records.map((r) => [r.channel, r.terminalId, r.batchNo, r.batchDate].join("|"))).size;
    const matching = await matchSettlements({ timeZone: options.timeZone, analyze: inserted > 10_000 }, t);
    return { profile: profile.name, fileHash, read, inserted, duplicates: records.length - inserted, batches, matching };
  });
}
