import { checkReceiptNo, DEFAULT_RECEIPT_FORMAT, type ReceiptFormat } from "../receipt-number";
import { BILLING_STATUSES } from "../status";
import { readCsvRows, type HeaderSpec } from "./csv-rows";
import type { TextEncodingName } from "./decode";
import { amountField, clip, instantField, textField } from "./fields";
import type { ByteSource, ParseEvent, ReceiptRecord } from "./types";

/**
 * The billing system's receipts export (SPEC §3.4):
 * receipt_no,service,payer_name,payer_phone,amount_due,amount_paid,channel,paid_at,bank_ref,billing_status
 * and, optionally and in any position, terminal_id: the POS terminal that took the payment (issue 16), so
 * that a terminal's day matches its batch credit without a settlement detail file.
 */

export const RECEIPT_COLUMNS = [
  "receipt_no",
  "service",
  "payer_name",
  "payer_phone",
  "amount_due",
  "amount_paid",
  "channel",
  "paid_at",
  "bank_ref",
  "billing_status",
] as const;

/** Columns a receipts file may carry besides the required ones. */
export const RECEIPT_OPTIONAL_COLUMNS = ["terminal_id"] as const;
/** A POS terminal id, as the acquirer prints it (the integration API allows the same length). */
export const TERMINAL_ID_MAX = 64;

export type ReceiptsCsvOptions = {
  /** Known service and channel codes: a line naming another one is rejected here rather than failing the whole load. */
  services?: ReadonlySet<string>;
  channels?: ReadonlySet<string>;
  receiptFormat?: ReceiptFormat;
  onEncoding?: (e: TextEncodingName) => void;
};

const STATUSES: ReadonlySet<string> = new Set(BILLING_STATUSES);

export const RECEIPT_HEADER: HeaderSpec = {
  required: Object.fromEntries(RECEIPT_COLUMNS.map((c) => [c, c])),
  optional: Object.fromEntries(RECEIPT_OPTIONAL_COLUMNS.map((c) => [c, c])),
};

/** Yields the events in batches, in file order. */
export async function* parseReceiptsCsv(source: ByteSource, options: ReceiptsCsvOptions = {}): AsyncGenerator<ParseEvent<ReceiptRecord>[]> {
  for await (const rows of readCsvRows(source, RECEIPT_HEADER, options.onEncoding)) {
    yield rows.map((row): ParseEvent<ReceiptRecord> => ("error" in row ? { kind: "rejected", line: row.line, reason: row.error } : receiptEvent(row.line, row.cells, options)));
  }
}

/** One data row (column → cell) of the receipts export as an event. */
export function receiptEvent(line: number, cells: Map<string, string>, options: ReceiptsCsvOptions): ParseEvent<ReceiptRecord> {
  const result = receiptOf(cells, options);
  return typeof result === "string" ? { kind: "rejected", line, reason: result } : { kind: "record", line, record: result };
}

/** One row to a receipt, or the first reason it cannot be one. */
function receiptOf(cells: Map<string, string>, options: ReceiptsCsvOptions): ReceiptRecord | string {
  const cell = (name: string) => cells.get(name)?.trim() ?? "";

  const checked = checkReceiptNo(cell("receipt_no"), options.receiptFormat ?? DEFAULT_RECEIPT_FORMAT);
  if (!checked.ok) {
    return cell("receipt_no") === "" ? "receipt_no is empty" : `receipt_no "${clip(cell("receipt_no"))}" is not a valid receipt number (${checked.code})`;
  }

  const service = cell("service");
  if (service === "") return "service is empty";
  if (options.services && !options.services.has(service)) return `service "${clip(service)}" is unknown`;

  const payerName = textField(cell("payer_name"), 200);
  if (!payerName) return "payer_name is empty";

  const due = amountField("amount_due", cell("amount_due"));
  if (!due.ok) return due.reason;

  let amountPaidFen: number | null = null;
  if (cell("amount_paid") !== "") {
    const paid = amountField("amount_paid", cell("amount_paid"));
    if (!paid.ok) return paid.reason;
    amountPaidFen = paid.value;
  }

  const channel = cell("channel");
  if (channel === "") return "channel is empty";
  if (options.channels && !options.channels.has(channel)) return `channel "${clip(channel)}" is unknown`;

  let paidAt: Date | null = null;
  if (cell("paid_at") !== "") {
    const at = instantField("paid_at", cell("paid_at"));
    if (!at.ok) return at.reason;
    paidAt = at.value;
  }

  const terminalId = cell("terminal_id");
  if (terminalId.length > TERMINAL_ID_MAX || /[^0-9A-Za-z_-]/.test(terminalId)) return `terminal_id "${clip(terminalId)}" is not a terminal id (letters, digits, - and _, up to ${TERMINAL_ID_MAX})`;

  const billingStatus = cell("billing_status");
  if (!STATUSES.has(billingStatus)) return `billing_status "${clip(billingStatus)}" is not one of ${BILLING_STATUSES.join(", ")}`;

  return {
    receiptNo: checked.receiptNo,
    service,
    payerName,
    payerPhone: textField(cell("payer_phone"), 40),
    amountDueFen: due.value,
    amountPaidFen,
    channel,
    paidAt,
    bankRef: textField(cell("bank_ref"), 100),
    billingStatus,
    terminalId: terminalId === "" ? null : terminalId,
  };
}
