import { readCsvRows, type HeaderSpec } from "./csv-rows";
import type { TextEncodingName } from "./decode";
import { amountField, clip, dateField, maskAccount, textField } from "./fields";
import { findProfile, type SettlementColumn, type SettlementProfile } from "./profiles";
import { StatementFileError, type ByteSource, type ParseEvent, type SettlementRecord } from "./types";

/**
 * Settlement CSV exports, read through a profile that maps the bank's column
 * names and date format. A negative amount is money going out of the account:
 * not a payment, so it is skipped and counted.
 */

export type SettlementParseOptions = {
  profile?: SettlementProfile;
  /** Known channel codes; a line naming another one is rejected. */
  channels?: ReadonlySet<string>;
  onEncoding?: (e: TextEncodingName) => void;
};

const REQUIRED: SettlementColumn[] = ["bankRef", "amount", "valueDate"];

/** Yields the events in batches, in file order. */
export async function* parseSettlementsCsv(source: ByteSource, options: SettlementParseOptions = {}): AsyncGenerator<ParseEvent<SettlementRecord>[]> {
  const profile = options.profile ?? findProfile("csv")!;
  for await (const rows of readCsvRows(source, settlementHeader(profile), options.onEncoding)) {
    yield rows.map((row): ParseEvent<SettlementRecord> =>
      "error" in row ? { kind: "rejected", line: row.line, reason: row.error } : settlementEvent(row.line, row.cells, profile, options.channels),
    );
  }
}

/** The header a CSV profile expects. */
export function settlementHeader(profile: SettlementProfile): HeaderSpec {
  if (profile.format !== "csv" || !profile.columns) throw new StatementFileError(`profile "${profile.name}" is not a CSV profile`);
  const header: HeaderSpec = { required: {}, optional: {}, ignored: profile.ignoredColumns };
  for (const [column, text] of Object.entries(profile.columns)) {
    (REQUIRED.includes(column as SettlementColumn) ? header.required : header.optional!)[column] = text;
  }
  return header;
}

/** One data row (column → cell) of a statement export as an event. */
export function settlementEvent(line: number, cells: Map<string, string>, profile: SettlementProfile, channels?: ReadonlySet<string>): ParseEvent<SettlementRecord> {
  const cell = (name: SettlementColumn) => cells.get(name)?.trim() ?? "";
  const columnName = (name: SettlementColumn) => profile.columns?.[name] ?? name;
  const reject = (reason: string): ParseEvent<SettlementRecord> => ({ kind: "rejected", line, reason });

  let amountText = cell("amount");
  if (/^-\s*\S/.test(amountText)) return { kind: "skipped", line, reason: "debit" };
  amountText = amountText.replace(/^\+/, "");
  const amount = amountField(columnName("amount"), amountText);
  if (!amount.ok) return reject(amount.reason);
  if (amount.value === 0) return reject(`${columnName("amount")} is zero`);

  const date = dateField(columnName("valueDate"), cell("valueDate"), profile.dateFormat ?? "YYYY-MM-DD");
  if (!date.ok) return reject(date.reason);

  const bankRef = textField(cell("bankRef"), 100);

  let channel = textField(cell("channel"), 40) ?? profile.channel ?? null;
  if (channel && channels && !channels.has(channel)) return reject(`${columnName("channel")} "${clip(channel)}" is unknown`);
  if (channel === "") channel = null;

  return {
    kind: "record",
    line,
    record: {
      bankRef,
      amountFen: amount.value,
      valueDate: date.value,
      channel,
      payerAccount: maskAccount(cell("payerAccount")),
      remittance: textField(cell("remittance")),
    },
  };
}
