import { createHash } from "node:crypto";
import { csvRecords, tableRows, type HeaderSpec, type TableRecord } from "./csv-rows";
import { decodeSample, decodeText, type TextEncodingName } from "./decode";
import { accountIn, amountField, clip, dateField, textField, type Field } from "./fields";
import { findProfile, layoutsOf, type SettlementColumn, type SettlementLayout, type SettlementProfile } from "./profiles";
import { headOf, htmlTableRecords, isHtmlTable, isSpreadsheet, sheetRecords } from "./sheets";
import { StatementFileError, type ByteSource, type ParseEvent, type SettlementRecord } from "./types";

/**
 * Settlement exports (CSV, or the first sheet of an .xls/.xlsx), read through
 * a profile that maps the bank's column names and date format. Money going
 * out of the account — a negative amount, the 支出/借方 side, a 借/支出 flag —
 * is not a payment: it is skipped and counted, as are refunds and closed
 * orders in a channel bill.
 */

export type SettlementParseOptions = {
  profile?: SettlementProfile;
  /** Known channel codes; a line naming another one is rejected. */
  channels?: ReadonlySet<string>;
  onEncoding?: (e: TextEncodingName) => void;
};

/** A plain profile needs these three columns; a framed layout needs every column it names. */
const REQUIRED: SettlementColumn[] = ["bankRef", "amount", "valueDate"];
const CREDIT = /^(收入?|收款|贷方?|存入|入账|c|cr|credit)$/i;
const DEBIT = /^(支出?|付款|借方?|支取|出账|d|dr|debit)$/i;
const RENMINBI = /^(cny|rmb|人民币|人民币元|156)$/i;

/** Yields the events in batches, in file order. */
export async function* parseSettlementsCsv(source: ByteSource, options: SettlementParseOptions = {}): AsyncGenerator<ParseEvent<SettlementRecord>[]> {
  const profile = options.profile ?? findProfile("csv")!;
  const layouts = layoutsOf(profile);
  let layout = layouts[0]!;
  const rows = tableRows(
    statementRecords(source, options.onEncoding, layouts.some((l) => l.framed)),
    layouts.map((l) => settlementHeader(profile, l)),
    (i) => (layout = layouts[i]!),
  );
  for await (const batch of rows) {
    yield batch.map((row): ParseEvent<SettlementRecord> =>
      "error" in row ? { kind: "rejected", line: row.line, reason: row.error } : settlementEvent(row.line, row.cells, profile, options.channels, layout),
    );
  }
}

/** The records of a statement file: a spreadsheet's first sheet, an HTML table saved as .xls, or CSV text. */
export async function* statementRecords(source: ByteSource, onEncoding?: (e: TextEncodingName) => void, framed = false): AsyncGenerator<TableRecord[]> {
  const { head, bytes } = await headOf(source, 512);
  if (isSpreadsheet(head)) yield* sheetRecords(bytes);
  else if (isHtmlTable(decodeSample(head) ?? "")) yield* htmlTableRecords(decodeText(bytes, onEncoding));
  else yield* csvRecords(bytes, onEncoding, { framed });
}

/** The header a CSV profile (or one of its layouts) expects. */
export function settlementHeader(profile: SettlementProfile, layout: SettlementLayout = profile): HeaderSpec {
  if (profile.format !== "csv" || !layout.columns) throw new StatementFileError(`profile "${profile.name}" is not a CSV profile`);
  const header: HeaderSpec = { required: {}, optional: {}, ignored: layout.ignoredColumns, framed: layout.framed, footerStart: layout.footerStart };
  for (const [column, text] of Object.entries(layout.columns)) {
    const required = layout.framed || REQUIRED.includes(column as SettlementColumn);
    // Several remittance columns become remittance, remittance.1, …: joined again in settlementEvent.
    (Array.isArray(text) ? text : [text]).forEach((t, i) => ((required ? header.required : header.optional!)[i === 0 ? column : `${column}.${i}`] = t));
  }
  return header;
}

/** One data row (column → cell) of a statement export as an event. */
export function settlementEvent(
  line: number,
  cells: Map<string, string>,
  profile: SettlementProfile,
  channels?: ReadonlySet<string>,
  layout: SettlementLayout = profile,
): ParseEvent<SettlementRecord> {
  const cell = (name: SettlementColumn) => cells.get(name)?.trim() ?? "";
  const columnName = (name: SettlementColumn) => [layout.columns?.[name] ?? name].flat()[0]!;
  const reject = (reason: string): ParseEvent<SettlementRecord> => ({ kind: "rejected", line, reason });
  const skip = (reason: string): ParseEvent<SettlementRecord> => ({ kind: "skipped", line, reason });

  if (layout.skipStatus && layout.skipStatus.pattern.test(cell("status"))) return skip(layout.skipStatus.reason);

  const amount = creditedAmount(layout, cell, columnName);
  if ("skip" in amount) return skip(amount.skip);
  if (!amount.ok) return reject(amount.reason);

  const currency = cell("currency");
  if (currency && !RENMINBI.test(currency)) return reject(`${columnName("currency")} "${clip(currency, 8)}" is not CNY`);

  const date = dateField(columnName("valueDate"), cell("valueDate"), layout.dateFormat ?? (layout.framed ? "year-first" : "YYYY-MM-DD"));
  if (!date.ok) return reject(date.reason);

  const bankRef = textField(cell("bankRef"), 100) ?? (layout.derivedRef ? derivedRef(profile.name, cells) : null);

  let channel = textField(cell("channel"), 40) ?? profile.channel ?? null;
  if (channel && channels && !channels.has(channel)) return reject(`${columnName("channel")} "${clip(channel)}" is unknown`);
  if (channel === "") channel = null;

  const record: SettlementRecord = {
    bankRef,
    amountFen: amount.value,
    valueDate: date.value,
    channel,
    payerAccount: accountIn(cell("payerAccount")),
    remittance: textField([...cells].filter(([k, v]) => /^remittance(\.\d+)?$/.test(k) && v.trim() !== "").map(([, v]) => v.trim()).join(" ")),
  };
  if (layout.columns?.fee) {
    const fees = channelFees(cell, columnName, amount.value);
    if (!fees.ok) return reject(fees.reason);
    Object.assign(record, fees.value);
  }
  return { kind: "record", line, record };
}

type Cell = (name: SettlementColumn) => string;

/** The amount credited by the line, or why it is not a payment (skip) or not readable (reason). */
function creditedAmount(layout: SettlementLayout, cell: Cell, columnName: Cell): Field<number> | { skip: string } {
  let column: SettlementColumn = "amount";
  if (layout.columns?.credit) {
    // 收入 / 支出 in two columns: the empty (or 0.00, or "-") side is not the line's.
    if (noAmount(cell("credit"))) return noAmount(cell("debit")) ? { ok: false, reason: `${columnName("credit")} and ${columnName("debit")} are both empty` } : { skip: "debit" };
    column = "credit";
  } else if (layout.columns?.direction) {
    const direction = cell("direction");
    if (DEBIT.test(direction)) return { skip: "debit" };
    if (!CREDIT.test(direction)) return { skip: "neither income nor expense" };
  }
  const text = cell(column);
  if (/^-\s*\S/.test(text)) return { skip: "debit" };
  const amount = amountField(columnName(column), text.replace(/^\+/, ""));
  if (amount.ok && amount.value === 0) return { ok: false, reason: `${columnName(column)} is zero` };
  return amount;
}

const noAmount = (text: string) => text === "" || /^[-—]+$/.test(text) || /^[¥￥]?0+(\.0+)?$/.test(text);

/** A channel bill's fee (shown with or without a minus) and what the channel settles after it. */
function channelFees(cell: Cell, columnName: Cell, amountFen: number): Field<{ feeFen: number; netFen: number }> {
  const fee = cell("fee") === "" ? { ok: true as const, value: 0 } : amountField(columnName("fee"), cell("fee").replace(/^[-+]/, ""));
  if (!fee.ok) return fee;
  const settled = cell("settled") === "" ? { ok: true as const, value: amountFen } : amountField(columnName("settled"), cell("settled").replace(/^\+/, ""));
  if (!settled.ok) return settled;
  return { ok: true, value: { feeFen: fee.value, netFen: settled.value - fee.value } };
}

/** A reference for a line of an export that has none: the profile and a digest of the line's cells (see SettlementLayout.derivedRef). */
function derivedRef(profile: string, cells: Map<string, string>): string {
  const digest = createHash("sha256").update([...cells.values()].map((v) => v.trim()).join("\u001f")).digest("hex");
  return `${profile}:${digest.slice(0, 16)}`;
}
