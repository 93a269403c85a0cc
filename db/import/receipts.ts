import "server-only";
import { sql, type SQL } from "drizzle-orm";
import { DEFAULT_RECEIPT_FORMAT, luhnValid, type ReceiptFormat } from "@/lib/receipt-number";
import { parseReceiptsCsv, type ReceiptRecord } from "@/lib/statements";
import { RECEIPT_COLUMNS, RECEIPT_HEADER, receiptEvent, TERMINAL_ID_MAX, type ReceiptsCsvOptions } from "@/lib/statements/receipts-csv";
import { BILLING_STATUSES } from "@/lib/status";
import { db, queryRows, type Executor, type Tx } from "../client";
import { channels, services } from "../schema";
import { digitsOnly, plainAmount, plainFen, plainInstant, plainText } from "@/lib/statements/plain-cells";
import { cellsNamed } from "./copy-lane";
import { recordImport, sha256Of, timed, type FileSource, type ImportHooks } from "./source";
import { stageFile } from "./stage";
import { ANALYZE_AFTER, RECEIPT_STAGING, tuneImportSession, type CopyLane } from "./staging";
import { matchSettlements, type MatchSummary } from "./matching";

export type ReceiptImportSummary = {
  read: number;
  inserted: number;
  updated: number;
  /** Rows identical to what the store has (a re-import), or repeated later in the same file. */
  duplicates: number;
  /** Rows whose billing status is older than the stored one (an out-of-order export). */
  stale: number;
  rejectedCount: number;
  rejected: { line: number; reason: string }[];
  matching: MatchSummary;
};

/**
 * Imports the billing system's receipts, all or nothing, upserting by
 * receipt_no; then runs matching, since new receipts can claim lines that
 * were waiting as exceptions.
 */
export async function importReceiptsFile(
  file: FileSource,
  options: { timeZone: string; receiptFormat?: ReceiptFormat },
  hooks: ImportHooks = {},
  tx: Executor = db(),
): Promise<ReceiptImportSummary> {
  return recordImport("receipts", async () => {
    const { sha256: fileHash, bytes: fileBytes } = await timed(hooks.onPhase, "hash file", () => sha256Of(file.open()));
    return tx.transaction(async (t) => {
      await tuneImportSession(t);
      const [knownServices, knownChannels] = await Promise.all([t.select({ code: services.code }).from(services), t.select({ code: channels.code }).from(channels)]);
      const parseOptions = {
        services: new Set(knownServices.map((s) => s.code)),
        channels: new Set(knownChannels.map((c) => c.code)),
        receiptFormat: options.receiptFormat,
      };
      const tally = await stageFile(t, RECEIPT_STAGING, {
        file,
        fileHash,
        fileBytes,
        hooks,
        parse: (bytes) => parseReceiptsCsv(bytes, parseOptions),
        toRow: (r, line) => [line, r.receiptNo, r.service, r.payerName, r.payerPhone, r.amountDueFen, r.amountPaidFen, r.channel, r.paidAt?.toISOString() ?? null, r.bankRef, r.billingStatus, r.terminalId ?? null],
        // A custom receipt-number format is checked by the parser alone.
        copyLane: isDefaultFormat(options.receiptFormat) ? receiptsCopyLane(parseOptions) : undefined,
      });

      const merged = await timed(hooks.onPhase, "merge", () => mergeStagedReceipts(t));
      const matching = await matchSettlements({ timeZone: options.timeZone, analyze: merged.inserted + merged.updated > ANALYZE_AFTER && "receipts", onPhase: hooks.onPhase }, t);
      return {
        read: tally.read,
        inserted: merged.inserted,
        updated: merged.updated,
        duplicates: tally.records - merged.inserted - merged.updated - merged.stale,
        stale: merged.stale,
        rejectedCount: tally.rejectedCount,
        rejected: tally.rejected,
        matching,
      };
    });
  },
    (s) => ({ result: "imported", rows: { inserted: s.inserted, updated: s.updated, duplicate: s.duplicates, stale: s.stale, rejected: s.rejectedCount } }),
  );
}

const isDefaultFormat = (format?: ReceiptFormat) =>
  !format || (format.pattern.source === DEFAULT_RECEIPT_FORMAT.pattern.source && format.check === DEFAULT_RECEIPT_FORMAT.check);

/** Plain receipt rows, checked and converted as they stream (copy-lane.ts); the parser's rules for the rest. */
function receiptsCopyLane(options: ReceiptsCsvOptions & { services: Set<string>; channels: Set<string> }): CopyLane<ReceiptRecord> {
  return {
    header: RECEIPT_HEADER,
    rowEvent: (line, cells) => receiptEvent(line, cells, options),
    plainRow: (columns) => {
      // an empty cell when the file has no such column
      const read = cellsNamed(columns, [...RECEIPT_COLUMNS, "terminal_id"]);
      return (cells) => {
        const [no, service, name, phone, due, paid, channel, paidAt, bankRef, status, terminal] = read(cells) as [string, ...string[]];
        const plain = digitsOnly(no, 16) && luhnValid(no) && options.services.has(service!) && name !== "" && plainText(name!, 200)
          && (phone === "" || plainText(phone!, 40)) && plainAmount(due!) && (paid === "" || plainAmount(paid!))
          && options.channels.has(channel!) && (paidAt === "" || plainInstant(paidAt!)) && (bankRef === "" || plainText(bankRef!, 100))
          && STATUSES.has(status!) && TERMINAL_ID.test(terminal!);
        // paid_at as written: COPY reads a plain instant (with its offset) as the parser's Date.
        return plain
          ? [no, service!, name!, phone || null, plainFen(due!), paid === "" ? null : plainFen(paid!), channel!, paidAt || null, bankRef || null, status!, terminal || null]
          : null;
      };
    },
  };
}

const STATUSES: ReadonlySet<string> = new Set(BILLING_STATUSES);
const TERMINAL_ID = new RegExp(`^[0-9A-Za-z_-]{0,${TERMINAL_ID_MAX}}$`);

/**
 * Where a receipt is in its life: a row may move forward (unpaid → paid →
 * refund_pending → refunded) but an older export never moves it back.
 */
const lifecycle = (column: ReturnType<typeof sql>) => sql`(case ${column}
  when 'unpaid' then 0 when 'sent_to_bank' then 1 when 'paid' then 2
  when 'refund_pending' then 3 when 'refunded' then 4 when 'voided' then 4 end)`;

/**
 * A file without the optional terminal_id column (or with an empty cell) leaves a stored terminal as it is.
 *
 * The merge: changed rows updated and new receipt numbers inserted, in one
 * statement (both read the store as it was before it). A plain insert of the
 * new keys costs about two thirds of ON CONFLICT's per-row speculative
 * insertion. "The last line wins" among the lines of one receipt is first
 * worked out only for receipts already stored: a new receipt number listed
 * twice fails the insert on the unique index (23505), and so does one another
 * import stored meanwhile. Then the merge runs again with the last line of
 * every receipt worked out first, and if that fails too, as an upsert, which
 * waits for the other import.
 */
async function mergeStagedReceipts(tx: Tx): Promise<{ inserted: number; updated: number; stale: number }> {
  for (const how of ["insert new, update changed", "last lines first"] as const) {
    try {
      return await tx.transaction((sp) => mergeQuery(sp, how));
    } catch (error) {
      if (sqlState(error) !== "23505") throw error;
    }
  }
  return mergeQuery(tx, "upsert");
}

const sqlState = (error: unknown) => (error as { code?: unknown })?.code ?? (error as { cause?: { code?: unknown } })?.cause?.code;

const RECEIPT_FIELDS = ["service", "payer_name", "payer_phone", "amount_due_fen", "amount_paid_fen", "channel", "paid_at", "bank_ref", "billing_status"] as const;

async function mergeQuery(tx: Tx, how: "insert new, update changed" | "last lines first" | "upsert"): Promise<{ inserted: number; updated: number; stale: number }> {
  const fields = (prefix: string) => sql.raw(RECEIPT_FIELDS.map((f) => `${prefix}${f}`).join(", "));
  // The staging rows the last-line rule reads: those of stored receipts only, or all of them.
  const lines = how === "insert new, update changed" ? sql`known` : sql`import_receipts`;
  // The staging columns, the status as the enum it is stored as.
  const typed = sql`line_no, receipt_no, service, payer_name, payer_phone, amount_due_fen, amount_paid_fen, channel, paid_at, bank_ref,
        billing_status::billing_status as billing_status, terminal_id`;
  const incoming = sql`
    with known as (
      select * from import_receipts s where exists (select 1 from receipts r where r.receipt_no = s.receipt_no)
    ), incoming as (
      -- the last line wins when a file lists a receipt twice: an anti-join on (receipt_no, line_no) hashes two narrow
      -- columns, where DISTINCT ON sorted every wide row by receipt_no
      select ${typed}
      from ${lines} s
      where not exists (select 1 from ${lines} later where later.receipt_no = s.receipt_no and later.line_no > s.line_no)
    ), stale as (
      select count(*)::int as n from incoming i join receipts r on r.receipt_no = i.receipt_no
      where ${lifecycle(sql`i.billing_status::text`)} < ${lifecycle(sql`r.billing_status::text`)}
    )`;
  const counts = (inserted: SQL, updated: SQL) => sql`select (${inserted})::int as inserted, (${updated})::int as updated, (select n from stale) as stale`;
  const [result] = await queryRows<{ inserted: number; updated: number; stale: number }>(
    tx,
    how === "upsert"
      ? sql`${incoming}, upserted as (
      insert into receipts as r (receipt_no, ${fields("")}, terminal_id)
      select receipt_no, ${fields("")}, terminal_id from incoming
      order by line_no
      on conflict (receipt_no) do update set
        service = excluded.service, payer_name = excluded.payer_name, payer_phone = excluded.payer_phone,
        amount_due_fen = excluded.amount_due_fen, amount_paid_fen = excluded.amount_paid_fen, channel = excluded.channel,
        paid_at = excluded.paid_at, bank_ref = excluded.bank_ref, billing_status = excluded.billing_status,
        terminal_id = coalesce(excluded.terminal_id, r.terminal_id), updated_at = now()
      where ${lifecycle(sql`excluded.billing_status::text`)} >= ${lifecycle(sql`r.billing_status::text`)}
        and (${fields("r.")}, r.terminal_id) is distinct from (${fields("excluded.")}, coalesce(excluded.terminal_id, r.terminal_id))
      returning (xmax = 0) as inserted
    )
    ${counts(sql`select count(*) from upserted where inserted`, sql`select count(*) from upserted where not inserted`)}`
      : sql`${incoming}, updated as (
      update receipts r set
        service = i.service, payer_name = i.payer_name, payer_phone = i.payer_phone,
        amount_due_fen = i.amount_due_fen, amount_paid_fen = i.amount_paid_fen, channel = i.channel,
        paid_at = i.paid_at, bank_ref = i.bank_ref, billing_status = i.billing_status,
        terminal_id = coalesce(i.terminal_id, r.terminal_id), updated_at = now()
      from incoming i
      where r.receipt_no = i.receipt_no
        and ${lifecycle(sql`i.billing_status::text`)} >= ${lifecycle(sql`r.billing_status::text`)}
        and (${fields("r.")}, r.terminal_id) is distinct from (${fields("i.")}, coalesce(i.terminal_id, r.terminal_id))
      returning 1
    ), inserted as (
      insert into receipts (receipt_no, ${fields("")}, terminal_id)
      select receipt_no, ${fields("")}, terminal_id
      from ${how === "insert new, update changed" ? sql`(select ${typed} from import_receipts) i` : sql`incoming i`}
      where not exists (select 1 from receipts x where x.receipt_no = i.receipt_no)
      order by line_no
      returning 1
    )
    ${counts(sql`select count(*) from inserted`, sql`select count(*) from updated`)}`,
  );
  return result!;
}
