import { XMLParser, XMLValidator } from "fast-xml-parser";
import { decodeText, type TextEncodingName } from "./decode";
import { amountField, clip, dateField, maskAccount, textField } from "./fields";
import { StatementFileError, type ByteSource, type ParseEvent, type SettlementRecord } from "./types";

/**
 * ISO 20022 camt.053 (bank-to-customer statement). The document can be
 * large, so it is never parsed whole: each <Ntry> element is cut out of the
 * text stream and parsed on its own, which keeps memory at the size of one
 * entry. Several <Stmt> per file are fine (entries are read wherever they
 * are). Credits only; a batch entry yields one line per <TxDtls>.
 */

export type Camt053Options = { channel?: string | null; onEncoding?: (e: TextEncodingName) => void };

const ENTRY_OPEN = /<(?:[\w.-]+:)?Ntry[\s>]/;
const ENTRY_CLOSE = /<\/(?:[\w.-]+:)?Ntry\s*>/;
const TX_OPEN = /<(?:[\w.-]+:)?TxDtls[\s>]/g;
const STATEMENT_ROOT = /<(?:[\w.-]+:)?BkToCstmrStmt[\s>]/;
const DOCUMENT_CLOSE = /<\/(?:[\w.-]+:)?Document\s*>\s*$/;
/** An entry bigger than this is not a bank entry: refuse rather than buffer without bound. */
const MAX_ENTRY_CHARS = 4 * 1024 * 1024;

const xml = new XMLParser({
  removeNSPrefix: true,
  ignoreAttributes: false,
  attributeNamePrefix: "@",
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  // isArray needs only the tag name: building every tag's path as a string cost about 15 % of reading an entry.
  jPath: false,
  isArray: (name) => name === "NtryDtls" || name === "TxDtls" || name === "Ustrd",
});

/** Yields the events in batches (one per decoded chunk), in file order. */
export async function* parseCamt053(source: ByteSource, options: Camt053Options = {}): AsyncGenerator<ParseEvent<SettlementRecord>[]> {
  let buffer = "";
  let bufferLine = 1;
  let isStatement = false;
  let sawText = false;
  let entries = 0;

  for await (const text of decodeText(source, options.onEncoding)) {
    const batch: ParseEvent<SettlementRecord>[] = [];
    buffer += text;
    if (!sawText && buffer.trim() !== "") {
      sawText = true;
      if (!buffer.trimStart().startsWith("<")) throw new StatementFileError("the file is not XML");
    }
    for (;;) {
      const open = ENTRY_OPEN.exec(buffer);
      if (!open) {
        isStatement ||= STATEMENT_ROOT.test(buffer);
        // Keep only a tail that might hold the start of a tag cut by the chunk boundary.
        if (buffer.length > 65536) {
          bufferLine += countLines(buffer, buffer.length - 256);
          buffer = buffer.slice(-256);
        }
        break;
      }
      isStatement ||= STATEMENT_ROOT.test(buffer.slice(0, open.index));
      if (!isStatement) throw new StatementFileError("the XML is not a camt.053 statement (no BkToCstmrStmt before the first entry)");
      const close = ENTRY_CLOSE.exec(buffer.slice(open.index));
      if (!close) {
        if (buffer.length - open.index > MAX_ENTRY_CHARS) throw new StatementFileError("an entry is too large: the XML is malformed");
        break;
      }
      const end = open.index + close.index + close[0].length;
      const line = bufferLine + countLines(buffer, open.index);
      const entryXml = buffer.slice(open.index, end);
      bufferLine = line + countLines(entryXml, entryXml.length);
      buffer = buffer.slice(end);
      entries++;
      batch.push(...entryEvents(entryXml, line, options.channel ?? null));
    }
    if (batch.length > 0) yield batch;
  }
  if (!sawText) throw new StatementFileError("the file is empty");
  if (ENTRY_OPEN.test(buffer) || !DOCUMENT_CLOSE.test(buffer)) throw new StatementFileError("the XML is truncated (no closing </Document>)");
  if (!isStatement) throw new StatementFileError("the XML is not a camt.053 statement (no BkToCstmrStmt)");
  if (entries === 0) throw new StatementFileError("the statement has no entries");
}

function countLines(text: string, upTo: number): number {
  let n = 0;
  for (let i = text.indexOf("\n"); i >= 0 && i < upTo; i = text.indexOf("\n", i + 1)) n++;
  return n;
}

type Node = Record<string, unknown>;
const node = (v: unknown): Node => (v && typeof v === "object" && !Array.isArray(v) ? (v as Node) : {});
const str = (v: unknown): string => (typeof v === "string" ? v : typeof v === "object" && v && "#text" in v ? String((v as Node)["#text"]) : "");
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]);
const dateOf = (v: unknown): string => str(node(v).Dt) || str(node(v).DtTm).slice(0, 10);

function* entryEvents(entryXml: string, line: number, channel: string | null): Generator<ParseEvent<SettlementRecord>> {
  if (XMLValidator.validate(entryXml) !== true) throw new StatementFileError(`the XML is malformed in the entry at line ${line}`);
  const entry = node(node(xml.parse(entryXml)).Ntry);

  if (str(entry.CdtDbtInd) !== "CRDT") {
    yield { kind: "skipped", line, reason: str(entry.CdtDbtInd) === "DBIT" ? "debit" : "no credit/debit indicator" };
    return;
  }
  if (str(entry.RvslInd) === "true") {
    yield { kind: "skipped", line, reason: "reversal" };
    return;
  }
  const status = str(entry.Sts) || str(node(entry.Sts).Cd);
  if (status && status !== "BOOK") {
    yield { kind: "skipped", line, reason: `not booked (${clip(status, 8)})` };
    return;
  }

  const valueDate = dateOf(entry.ValDt) || dateOf(entry.BookgDt);
  const date = dateField("ValDt", valueDate, "YYYY-MM-DD");
  const transactions = list(entry.NtryDtls).flatMap((d) => list(node(d).TxDtls)).map(node);
  const txLines = [...entryXml.matchAll(TX_OPEN)].map((m) => line + countLines(entryXml, m.index));
  const lineOf = (i: number) => txLines[i] ?? line;

  const entryAmount = amountOf(entry.Amt);
  if (typeof entryAmount === "string") {
    yield { kind: "rejected", line, reason: entryAmount };
    return;
  }
  if (!date.ok) {
    yield { kind: "rejected", line, reason: date.reason };
    return;
  }

  if (transactions.length <= 1) {
    yield { kind: "record", line: lineOf(0), record: recordOf(entry, transactions[0] ?? {}, entryAmount, date.value, channel) };
    return;
  }

  // A batch booking: one entry, several payments. Each needs its own amount, and they must add up.
  const amounts = transactions.map((tx) => amountOf(node(tx).Amt ?? node(node(node(tx).AmtDtls).TxAmt).Amt));
  const bad = amounts.findIndex((a) => typeof a === "string");
  if (bad >= 0) {
    for (let i = 0; i < transactions.length; i++) yield { kind: "rejected", line: lineOf(i), reason: `batch entry: transaction ${bad + 1} ${String(amounts[bad])}` };
    return;
  }
  const total = (amounts as number[]).reduce((s, a) => s + a, 0);
  if (total !== entryAmount) {
    for (let i = 0; i < transactions.length; i++) yield { kind: "rejected", line: lineOf(i), reason: "batch entry: transaction amounts do not add up to the entry amount" };
    return;
  }
  for (const [i, tx] of transactions.entries()) {
    if (str(tx.CdtDbtInd) === "DBIT") {
      yield { kind: "skipped", line: lineOf(i), reason: "debit" };
      continue;
    }
    yield { kind: "record", line: lineOf(i), record: recordOf(entry, tx, amounts[i] as number, date.value, channel) };
  }
}

/** Amount in fen, or the reason it is not one (only renminbi is settled here). */
function amountOf(amt: unknown): number | string {
  const ccy = str(node(amt)["@Ccy"]);
  if (ccy && ccy !== "CNY") return `currency ${clip(ccy, 5)} is not CNY`;
  const parsed = amountField("Amt", str(amt));
  if (!parsed.ok) return parsed.reason;
  if (parsed.value === 0) return "Amt is zero";
  return parsed.value;
}

function recordOf(entry: Node, tx: Node, amountFen: number, valueDate: string, channel: string | null): SettlementRecord {
  const refs = node(tx.Refs);
  const endToEnd = str(refs.EndToEndId);
  // EndToEndId is the reference the payer's side (our billing system) set; the bank's own reference is the fallback.
  const bankRef = (endToEnd && endToEnd !== "NOTPROVIDED" ? endToEnd : "") || str(refs.AcctSvcrRef) || str(entry.AcctSvcrRef) || str(refs.TxId);
  const debtorAccount = node(node(node(tx.RltdPties).DbtrAcct).Id);
  const account = str(debtorAccount.IBAN) || str(node(debtorAccount.Othr).Id);
  const remittance = list(node(tx.RmtInf).Ustrd).map(str).join(" ") || str(entry.AddtlNtryInf);
  return {
    bankRef: textField(bankRef, 100),
    amountFen,
    valueDate,
    channel,
    payerAccount: maskAccount(account),
    remittance: textField(remittance),
  };
}
