import "server-only";
import { eq, sql } from "drizzle-orm";
import { chooseSettlementLayout, parseSettlements, settlementProfile, StatementFileError, type SettlementFormat, type SettlementRecord } from "@/lib/statements";
import { findProfile, isPlainProfile, type SettlementProfile } from "@/lib/statements/profiles";
import { settlementEvent, settlementHeader } from "@/lib/statements/settlements-csv";
import { db, queryRows, type Executor, type Tx } from "../client";
import { channels, settlementBatches } from "../schema";
import { plainAccount, plainDate, plainFen, plainPositiveAmount, plainText } from "@/lib/statements/plain-cells";
import { maskAccount } from "@/lib/statements/fields";
import { cellsNamed } from "./copy-lane";
import { recordImport, sha256Of, timed, type FileSource, type ImportHooks } from "./source";
import { stageFile } from "./stage";
import { ANALYZE_AFTER, SETTLEMENT_STAGING, tuneImportSession, type CopyLane } from "./staging";
import { matchSettlements, type MatchSummary } from "./matching";
import { linkChannelBill, type ChannelBillSummary } from "./channel-bills";

export type SettlementImportSummary = {
  /** What the file was read with: as given, or recognised from the file. */
  format: SettlementFormat;
  profile: string;
  alreadyImported: boolean;
  fileHash: string;
  read: number;
  inserted: number;
  /** Lines already in the store from an earlier, overlapping statement. */
  duplicates: number;
  skipped: number;
  skippedReasons: Record<string, number>;
  rejectedCount: number;
  rejected: { line: number; reason: string }[];
  /** Lines of this file left unmatched. */
  exceptions: number;
  matching: MatchSummary | null;
  /** Channel bills only (wechat-merchant, alipay-merchant): lines recorded by transaction id, and how many a confirmation names. */
  channelBill?: ChannelBillSummary | null;
};

/** Advisory lock key that serialises statement imports ("paysts" + 2). */
export const SETTLEMENT_IMPORT_LOCK_KEY = 0x7061_7973_7402;

/** Without a format, the file's layout is recognised (lib/statements/detect.ts). */
export type SettlementImportOptions = { format?: SettlementFormat; profile?: string; timeZone: string };

/**
 * Imports one statement file, all or nothing: stream → parse → staging table
 * → one merge into settlement_lines → matching, in one transaction. A file
 * already imported (same SHA-256) changes nothing; a line already present
 * from an overlapping statement (same line_key) is not inserted again.
 */
export async function importSettlementFile(file: FileSource, options: SettlementImportOptions, hooks: ImportHooks = {}, tx: Executor = db()): Promise<SettlementImportSummary> {
  return recordImport("settlements", async () => {
    const { format, profile: profileName } = await chooseSettlementLayout(() => file.open(), options);
    const profile = findProfile(format, profileName);
    if (!profile) throw new StatementFileError(`unknown profile "${profileName}" for ${format}`);
    const readWith = { format, profile: profile.name };
    const { sha256: fileHash, bytes: fileBytes } = await timed(hooks.onPhase, "hash file", () => sha256Of(file.open()));
    return tx.transaction(async (t) => {
      // Statement imports take turns: the merge below relies on no other import inserting lines meanwhile.
      await t.execute(sql`select pg_advisory_xact_lock(${SETTLEMENT_IMPORT_LOCK_KEY}::bigint)`);
      const [batch] = await t
        .insert(settlementBatches)
        .values({ fileHash, fileName: file.name.slice(-200), format, profile: profile.name })
        .onConflictDoNothing({ target: settlementBatches.fileHash })
        .returning({ id: settlementBatches.id });
      if (!batch) return { ...readWith, alreadyImported: true, fileHash, read: 0, inserted: 0, duplicates: 0, skipped: 0, skippedReasons: {}, rejectedCount: 0, rejected: [], exceptions: 0, matching: null };

      await tuneImportSession(t);
      const known = new Set((await t.select({ code: channels.code }).from(channels)).map((c) => c.code));
      const tally = await stageFile(t, SETTLEMENT_STAGING, {
        file,
        fileHash,
        fileBytes,
        hooks,
        parse: (bytes) => parseSettlements(bytes, { ...readWith, channels: known }),
        toRow: (r, line) => [line, r.bankRef, r.amountFen, r.valueDate, r.channel, r.payerAccount, r.remittance, r.reversal ? "t" : "f"],
        // Only a plain profile's rows are what the lane's SQL reads (one signed amount, header first).
        copyLane: format === "csv" && isPlainProfile(profile) ? settlementsCopyLane(settlementProfile({ ...readWith, channels: known }), known) : undefined,
      });

      const inserted = await timed(hooks.onPhase, "merge", () => mergeStagedLines(t, batch.id));
      await t.update(settlementBatches).set({ linesRead: tally.read, linesInserted: inserted }).where(eq(settlementBatches.id, batch.id));
      const channelBill = await linkChannelBill(t, batch.id, profile.name);
      // This file's exceptions are counted by matching, in its scan of the store's.
      const { batchExceptions, ...matching } = await matchSettlements(
        { timeZone: options.timeZone, analyze: inserted > ANALYZE_AFTER && "settlement_lines", onPhase: hooks.onPhase, batchId: batch.id },
        t,
      );
      const exceptions = batchExceptions!;

      return {
        ...readWith,
        alreadyImported: false,
        fileHash,
        read: tally.read,
        inserted,
        duplicates: tally.records - inserted,
        skipped: tally.skipped,
        skippedReasons: tally.skippedReasons,
        rejectedCount: tally.rejectedCount,
        rejected: tally.rejected,
        exceptions,
        matching,
        channelBill,
      };
    });
  },
    (s) =>
      s.alreadyImported
        ? { result: "already_imported", rows: {} }
        : { result: "imported", rows: { inserted: s.inserted, duplicate: s.duplicates, skipped: s.skipped, rejected: s.rejectedCount } },
  );
}

/** The columns a plain statement row is read from, in this order. */
const SETTLEMENT_CELLS = ["bankRef", "amount", "valueDate", "channel", "payerAccount", "remittance"] as const;

/** Plain statement rows, checked and converted as they stream (copy-lane.ts); the parser's rules for the rest. */
function settlementsCopyLane(profile: SettlementProfile, channels: Set<string>): CopyLane<SettlementRecord> {
  const dateFormat = profile.dateFormat ?? "YYYY-MM-DD";
  const isoDate = (cell: string) =>
    dateFormat === "YYYY-MM-DD" ? cell : dateFormat === "YYYY/MM/DD" ? cell.replaceAll("/", "-") : `${cell.slice(0, 4)}-${cell.slice(4, 6)}-${cell.slice(6, 8)}`;
  return {
    header: settlementHeader(profile),
    rowEvent: (line, cells) => settlementEvent(line, cells, profile, channels),
    plainRow: (columns) => {
      const read = cellsNamed(columns, SETTLEMENT_CELLS);
      return (cells) => {
        const [bankRef, amount, valueDate, channel, account, remittance] = read(cells) as [string, string, string, string, string, string];
        const plain = plainPositiveAmount(amount) && plainDate(valueDate, dateFormat) && (bankRef === "" || plainText(bankRef, 100))
          && (channel === "" || channels.has(channel)) && plainAccount(account) && (remittance === "" || plainText(remittance, 500));
        // A settlements CSV holds credits only.
        return plain ? [bankRef || null, plainFen(amount), isoDate(valueDate), channel || (profile.channel ?? null), maskAccount(account), remittance || null, "f"] : null;
      };
    },
  };
}

/**
 * line_key: a digest of the fields that identify a payment plus its
 * occurrence among identical lines of the same file — two real ¥25.00
 * payments with no reference on one day stay two lines, while the same line
 * seen again in an overlapping statement is recognised. Keys are unique
 * within a file and imports take turns (the advisory lock above), so the
 * lines not yet stored go in by a plain insert: ON CONFLICT's per-row
 * speculative insertion made this merge about a third slower. Lines are
 * numbered over the raw digest (bytea, compared bytewise) and hex-encoded
 * only for the stored key: the 64-character hex under the database's
 * collation (C.UTF-8) sorts without abbreviated keys, a third slower.
 */
async function mergeStagedLines(tx: Tx, batchId: number): Promise<number> {
  const [{ n }] = (await queryRows<{ n: number }>(
    tx,
    sql`
    with hashed as (
      select s.*, sha256(convert_to(concat_ws(chr(31),
               coalesce(bank_ref, ''), amount_fen::text, value_date::text, coalesce(channel, ''),
               coalesce(payer_account, ''), coalesce(remittance, ''),
               -- a reversal is another line than the credit it returns (concat_ws skips the null: credits' keys are unchanged)
               case when reversal then 'reversal' end), 'UTF8')) as identity
      from import_settlement_lines s
    ), keyed as (
      select h.*, row_number() over (partition by identity order by line_no) - 1 as occurrence from hashed h
    ), ins as (
      insert into settlement_lines (batch_id, line_key, bank_ref, amount_fen, value_date, channel, payer_account, remittance, reversal)
      select ${batchId}, k.line_key, bank_ref, amount_fen, value_date, channel, payer_account, remittance, reversal
      from (select keyed.*, encode(identity, 'hex') || ':' || occurrence as line_key from keyed) k
      where not exists (select 1 from settlement_lines x where x.line_key = k.line_key)
      returning 1
    )
    select count(*)::int as n from ins`,
  )) as [{ n: number }];
  return n;
}
