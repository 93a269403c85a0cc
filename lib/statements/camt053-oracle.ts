import { XMLParser, XMLValidator } from "fast-xml-parser";
import { decodeText, type TextEncodingName } from "./decode";
import { amountField, clip, dateField, maskAccount, textField } from "./fields";
import { StatementFileError, type ByteSource, type ParseEvent, type SettlementRecord } from "./types";

/**
 * TEST ORACLE ONLY (imported by camt053-entry.test.ts, never by the app): the camt.053 reader as it
 * was before the dedicated entry scanner (fast-xml-parser's tree per entry), kept verbatim so that the
 * tests can prove the scanner gives the same events for every shape of entry.
 *
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

/** Elements that may repeat inside an entry, read as lists even when there is one. */
const REPEATED = new Set(["NtryDtls", "TxDtls", "Ustrd", "Strd", "RfrdDocInf", "AddtlRmtInf"]);

const xml = new XMLParser({
  removeNSPrefix: true,
  ignoreAttributes: false,
  attributeNamePrefix: "@",
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  // isArray needs only the tag name: building every tag's path as a string cost about 15 % of reading an entry.
  jPath: false,
  isArray: (name) => REPEATED.has(name),
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
        if (buffer.length - open.index > MAX_ENTRY_CHARS) throw new StatementFileError(`the entry at line ${bufferLine + countLines(buffer, open.index)} never closes: the XML is malformed`);
        break;
      }
      const end = open.index + close.index + close[0].length;
      const line = bufferLine + countLines(buffer, open.index);
      const entryXml = buffer.slice(open.index, end);
      bufferLine = line + countLines(entryXml, entryXml.length);
      buffer = buffer.slice(end);
      entries++;
      entryEvents(entryXml, line, options.channel ?? null, batch);
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

/** Appends the entry's events to `out`: a generator per entry, spread into the batch, cost about a tenth of the parse. */
function entryEvents(entryXml: string, line: number, channel: string | null, out: ParseEvent<SettlementRecord>[]): void {
  const entry = plainEntry(entryXml) ?? parsedEntry(entryXml, line);

  // ISO 20022: a DBIT entry with RvslInd true returns an earlier credit (kept, as a reversal line);
  // a CRDT one with RvslInd true returns an earlier debit, which was never a payment.
  const reversal = str(entry.CdtDbtInd) === "DBIT" && str(entry.RvslInd) === "true";
  if (str(entry.CdtDbtInd) !== "CRDT" && !reversal) {
    out.push({ kind: "skipped", line, reason: str(entry.CdtDbtInd) === "DBIT" ? "debit" : "no credit/debit indicator" });
    return;
  }
  if (!reversal && str(entry.RvslInd) === "true") {
    out.push({ kind: "skipped", line, reason: "reversal" });
    return;
  }
  const status = str(entry.Sts) || str(node(entry.Sts).Cd);
  if (status && status !== "BOOK") {
    out.push({ kind: "skipped", line, reason: `not booked (${clip(status, 8)})` });
    return;
  }

  const valueDate = dateOf(entry.ValDt) || dateOf(entry.BookgDt);
  const date = dateField("ValDt", valueDate, "YYYY-MM-DD");
  const transactions = list(entry.NtryDtls).flatMap((d) => list(node(d).TxDtls)).map(node);
  const txLines = txLinesOf(entryXml, line);

  const entryAmount = amountOf(entry.Amt);
  if (typeof entryAmount === "string") {
    out.push({ kind: "rejected", line, reason: entryAmount });
    return;
  }
  if (!date.ok) {
    out.push({ kind: "rejected", line, reason: date.reason });
    return;
  }

  if (transactions.length <= 1) {
    out.push({ kind: "record", line: txLines(0), record: withReversal(recordOf(entry, transactions[0] ?? {}, null, entryAmount, date.value, channel), reversal) });
    return;
  }

  // A batch booking: one entry, several payments. Each needs its own amount, and they must add up.
  const amounts = transactions.map((tx) => amountOf(node(tx).Amt ?? node(node(node(tx).AmtDtls).TxAmt).Amt));
  const bad = amounts.findIndex((a) => typeof a === "string");
  if (bad >= 0) {
    for (let i = 0; i < transactions.length; i++) out.push({ kind: "rejected", line: txLines(i), reason: `batch entry: transaction ${bad + 1} ${String(amounts[bad])}` });
    return;
  }
  const total = (amounts as number[]).reduce((s, a) => s + a, 0);
  if (total !== entryAmount) {
    for (let i = 0; i < transactions.length; i++) out.push({ kind: "rejected", line: txLines(i), reason: "batch entry: transaction amounts do not add up to the entry amount" });
    return;
  }
  for (const [i, tx] of transactions.entries()) {
    if (!reversal && str(tx.CdtDbtInd) === "DBIT") {
      out.push({ kind: "skipped", line: txLines(i), reason: "debit" });
      continue;
    }
    out.push({ kind: "record", line: txLines(i), record: withReversal(recordOf(entry, tx, i, amounts[i] as number, date.value, channel), reversal) });
  }
}

/** Only reversal lines carry the flag, so every other record stays as it was. */
const withReversal = (record: SettlementRecord, reversal: boolean): SettlementRecord => (reversal ? { ...record, reversal: true } : record);

/** The line of the entry's i-th <TxDtls> (the entry's own line when it has none): one search for an entry of one payment, the rest when a batch asks. */
function txLinesOf(entryXml: string, line: number): (i: number) => number {
  let all: number[] | null = null;
  return (i) => {
    if (i === 0 && all === null) {
      TX_OPEN.lastIndex = 0;
      const first = TX_OPEN.exec(entryXml);
      TX_OPEN.lastIndex = 0;
      return first ? line + countLines(entryXml, first.index) : line;
    }
    all ??= [...entryXml.matchAll(TX_OPEN)].map((m) => line + countLines(entryXml, m.index));
    return all[i] ?? line;
  };
}

/** The entry through fast-xml-parser, validated first so that a malformed entry is refused at its line and column. */
export function parsedEntry(entryXml: string, line: number): Node {
  const valid = XMLValidator.validate(entryXml);
  if (valid !== true) {
    throw new StatementFileError(`the XML is malformed at line ${line + valid.err.line - 1}, column ${valid.err.col} (in the entry from line ${line})`);
  }
  return node(node(xml.parse(entryXml)).Ntry);
}

const ATTRIBUTE = /\s+([A-Za-z_][\w.-]*)=(?:"([^"<&]*)"|'([^'<&]*)')/y;
const TAG_END = /\s*(\/?)>/y;
const NAMED_ENTITY = /&(?:lt|gt|amp|apos|quot);/g;
const ENTITY_CHARS: Record<string, string> = { "&lt;": "<", "&gt;": ">", "&amp;": "&", "&apos;": "'", "&quot;": '"' };
/** Names fast-xml-parser refuses, renames or drops (namespace declarations), and that would reach a prototype here. */
const UNSAFE_NAMES = new Set([...Object.getOwnPropertyNames(Object.prototype), "prototype", "xmlns"]);

/** A name's first character ([A-Za-z_]) and the rest ([\w.-]), as char codes. */
const nameStart = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
const nameChar = (c: number) => nameStart(c) || (c >= 48 && c <= 57) || c === 45 || c === 46;

/**
 * The element names of camt.053 entries, so that the scanner hands out the same (internalised)
 * string for each rather than a fresh slice per tag: a fresh key costs a hash and a string-table
 * lookup on every property it names. Keyed by length and first character.
 */
const KNOWN_NAMES = new Map<number, string[]>();
for (const name of [
  "Ntry", "NtryRef", "Amt", "CdtDbtInd", "RvslInd", "Sts", "Cd", "BookgDt", "ValDt", "Dt", "DtTm", "AcctSvcrRef", "BkTxCd", "Domn", "Fmly", "SubFmlyCd", "Prtry",
  "NtryDtls", "Btch", "NbOfTxs", "TxDtls", "Refs", "MsgId", "PmtInfId", "InstrId", "EndToEndId", "TxId", "MndtId", "ChqNb", "AmtDtls", "InstdAmt", "TxAmt",
  "RltdPties", "Dbtr", "Nm", "PstlAdr", "Ctry", "AdrLine", "DbtrAcct", "Id", "IBAN", "Othr", "Cdtr", "CdtrAcct", "UltmtDbtr", "UltmtCdtr", "RltdAgts", "DbtrAgt",
  "CdtrAgt", "FinInstnId", "BIC", "BICFI", "RmtInf", "Ustrd", "Strd", "CdtrRefInf", "Ref", "Tp", "CdOrPrtry", "RfrdDocInf", "Nb", "RfrdDocAmt", "AddtlRmtInf",
  "AddtlTxInf", "AddtlNtryInf", "Purp", "Chrgs", "RltdDts", "AccptncDtTm", "IntrBkSttlmDt", "Issr", "SchmeNm", "Ccy",
]) {
  const key = name.length * 128 + name.charCodeAt(0);
  KNOWN_NAMES.set(key, [...(KNOWN_NAMES.get(key) ?? []), name]);
}

/** src[from, to) as one of KNOWN_NAMES when it is one, else a slice. */
function nameAt(src: string, from: number, to: number): string {
  const known = KNOWN_NAMES.get((to - from) * 128 + src.charCodeAt(from));
  if (known) for (const name of known) if (src.startsWith(name, from)) return name;
  return src.slice(from, to);
}

class Frame {
  children: Node | null = null;
  attributes: Node | null = null;
  /** The element's latest run of text, as offsets into the entry (a slice only when it is a leaf's value). */
  textFrom = 0;
  textTo = 0;
  constructor(
    readonly tag: string,
    readonly name: string,
  ) {}
}

/** True when src[from, to) is empty or white space only, as String.prototype.trim sees it. */
function blank(src: string, from: number, to: number): boolean {
  for (let k = from; k < to; k++) {
    const c = src.charCodeAt(k);
    if (c === 32 || c === 10 || c === 13 || c === 9) continue;
    if (c < 128 && c !== 11 && c !== 12) return false;
    return src.slice(k, to).trim() === "";
  }
  return true;
}

/**
 * The tree fast-xml-parser builds for an entry with the options above (leaves as trimmed
 * strings, "@" attributes beside "#text", repeated and REPEATED elements as lists), from a
 * strict scanner of plain markup only: ASCII names with at most one prefix, name="value"
 * attributes, text with the five predefined entities. Anything else (comments, CDATA,
 * processing instructions, other references, text beside elements, any malformed markup)
 * gives null and goes through parsedEntry, which refuses it or reads it as before.
 * Validating and building each entry with fast-xml-parser was about two thirds of the parse;
 * the scanner reads char codes rather than running a regular expression per tag.
 */
export function plainEntry(src: string): Node | null {
  const stack: Frame[] = [];
  let i = 0;
  for (;;) {
    const lt = src.indexOf("<", i);
    if (lt < 0) return null;
    const top = stack.length > 0 ? stack[stack.length - 1]! : undefined;
    if (lt > i) {
      if (!top) return null;
      top.textFrom = i;
      top.textTo = lt;
      if (top.children && !blank(src, i, lt)) return null;
    }
    if (src.charCodeAt(lt + 1) === 47 /* "/" */) {
      const gt = lt + 2 + (top ? top.tag.length : 0);
      if (!top || src.charCodeAt(gt) !== 62 /* ">" */ || !src.startsWith(top.tag, lt + 2)) return null;
      stack.pop();
      const value = valueOf(src, top);
      if (value === null) return null;
      const parent = stack.length > 0 ? stack[stack.length - 1]! : undefined;
      if (!parent) return gt + 1 === src.length ? node(value) : null;
      addChild(parent, top.name, value);
      i = gt + 1;
      continue;
    }
    // <name> or <prefix:name>, names as [A-Za-z_][\w.-]*
    let at = lt + 1;
    if (!nameStart(src.charCodeAt(at))) return null;
    for (at++; nameChar(src.charCodeAt(at)); ) at++;
    let colon = -1;
    if (src.charCodeAt(at) === 58 /* ":" */) {
      colon = at;
      if (!nameStart(src.charCodeAt(++at))) return null;
      for (at++; nameChar(src.charCodeAt(at)); ) at++;
    }
    const tag = colon < 0 ? nameAt(src, lt + 1, at) : src.slice(lt + 1, at);
    const name = colon < 0 ? tag : nameAt(src, colon + 1, at);
    if (UNSAFE_NAMES.has(name) || (colon >= 0 && UNSAFE_NAMES.has(src.slice(lt + 1, colon))) || (top && top.textTo > top.textFrom && !blank(src, top.textFrom, top.textTo))) return null;
    if (top) {
      top.textFrom = top.textTo = 0;
      top.children ??= {};
    }
    const frame = new Frame(tag, name);
    let selfClosing: boolean;
    const next = src.charCodeAt(at);
    if (next === 62 /* ">" */) {
      selfClosing = false;
      i = at + 1;
    } else if (next === 47 /* "/" */ && src.charCodeAt(at + 1) === 62) {
      selfClosing = true;
      i = at + 2;
    } else {
      for (;;) {
        ATTRIBUTE.lastIndex = at;
        const attribute = ATTRIBUTE.exec(src);
        if (!attribute) break;
        const key = `@${attribute[1]!}`;
        if (UNSAFE_NAMES.has(attribute[1]!) || (frame.attributes && key in frame.attributes)) return null;
        (frame.attributes ??= {})[key] = lineBreaks((attribute[2] ?? attribute[3]!).trim());
        at = ATTRIBUTE.lastIndex;
      }
      TAG_END.lastIndex = at;
      const end = TAG_END.exec(src);
      if (!end) return null;
      selfClosing = end[1] !== "";
      i = TAG_END.lastIndex;
    }
    if (selfClosing) {
      if (!top) return null;
      addChild(top, name, frame.attributes ?? "");
    } else {
      stack.push(frame);
    }
  }
}

/** An element's value as compress() in fast-xml-parser gives it; null for text it would read differently. */
function valueOf(src: string, frame: Frame): Node | string | null {
  if (frame.children) {
    if (frame.attributes) Object.assign(frame.children, frame.attributes);
    return frame.children;
  }
  let text = frame.textTo > frame.textFrom ? lineBreaks(src.slice(frame.textFrom, frame.textTo).trim()) : "";
  if (text.includes("&")) {
    if (text.replace(NAMED_ENTITY, "").includes("&")) return null;
    text = text.replace(NAMED_ENTITY, (e) => ENTITY_CHARS[e]!);
  }
  if (!frame.attributes) return text;
  return text === "" ? frame.attributes : { "#text": text, ...frame.attributes };
}

/** fast-xml-parser reads CRLF and CR as LF, as XML says. */
const lineBreaks = (text: string) => (text.includes("\r") ? text.replace(/\r\n?/g, "\n") : text);

function addChild(parent: Frame, name: string, value: Node | string): void {
  const children = (parent.children ??= {});
  const existing = children[name];
  if (existing === undefined) children[name] = REPEATED.has(name) ? [value] : value;
  else if (Array.isArray(existing)) existing.push(value);
  else children[name] = [existing, value];
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

/** A reference as banks send it, with ISO 20022's placeholder for "none" read as none. */
const given = (v: unknown) => {
  const ref = str(v).trim();
  return ref === "NOTPROVIDED" ? "" : ref;
};

/**
 * One payment of an entry (`batchIndex` its position in a batch entry, null for a single one).
 *
 * bank_ref: EndToEndId first — the one reference both sides know, so matching by reference keeps
 * working when the billing system recorded it — then the bank's reference of the transaction
 * (AcctSvcrRef), TxId, InstrId; only when the transaction has none, the entry's AcctSvcrRef, and in
 * a batch that reference (or NtryRef) with the payment's position ("BANK-BATCH-7/2"), so that two payments of
 * one batch never share a reference.
 *
 * remittance: the transaction's own texts — Ustrd, the structured creditor reference (an ISO 11649
 * RF reference also without its "RFnn" prefix, which would otherwise be read glued to a receipt
 * number inside it), referred document numbers, AddtlRmtInf, AddtlTxInf — and the references not
 * used as bank_ref, since any of them may carry the receipt number. The entry's AddtlNtryInf only
 * for an entry of one payment: in a batch it describes the batch, not the payment.
 */
function recordOf(entry: Node, tx: Node, batchIndex: number | null, amountFen: number, valueDate: string, channel: string | null): SettlementRecord {
  const refs = node(tx.Refs);
  const entryRef = given(entry.AcctSvcrRef) || given(entry.NtryRef);
  const ownRef = given(refs.EndToEndId) || given(refs.AcctSvcrRef) || given(refs.TxId) || given(refs.InstrId);
  const bankRef = ownRef || (entryRef && batchIndex !== null ? `${entryRef}/${batchIndex + 1}` : entryRef);

  const rmtInf = node(tx.RmtInf);
  const structured = list(rmtInf.Strd).map(node);
  const texts = [
    ...list(rmtInf.Ustrd).map(str),
    ...structured.flatMap((s) => creditorReference(str(node(s.CdtrRefInf).Ref))),
    ...structured.flatMap((s) => list(s.RfrdDocInf).map((d) => str(node(d).Nb))),
    ...structured.flatMap((s) => list(s.AddtlRmtInf).map(str)),
    str(tx.AddtlTxInf),
    ...[refs.EndToEndId, refs.AcctSvcrRef, refs.TxId, refs.InstrId].map(given).filter((r) => r !== bankRef),
  ].map((t) => t.trim());
  const own = [...new Set(texts.filter((t) => t !== ""))].join(" ");

  const debtorAccount = node(node(node(tx.RltdPties).DbtrAcct).Id);
  const account = str(debtorAccount.IBAN) || str(node(debtorAccount.Othr).Id);
  return {
    bankRef: textField(bankRef, 100),
    amountFen,
    valueDate,
    channel,
    payerAccount: maskAccount(account),
    remittance: textField(own || (batchIndex === null ? str(entry.AddtlNtryInf) : "")),
  };
}

/** An ISO 11649 reference ("RF18 5390 0754 7034") as printed and as its reference part ("539007547034"). */
function creditorReference(ref: string): string[] {
  const compact = ref.replace(/\s+/g, "");
  if (compact === "") return [];
  const rf = /^RF\d{2}([0-9A-Za-z]{1,21})$/i.exec(compact);
  return rf ? [compact, rf[1]!] : [compact];
}
