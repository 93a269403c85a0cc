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

/** An entry's start and end tags, /<(?:[\w.-]+:)?Ntry[\s>]/ and /<\/(?:[\w.-]+:)?Ntry\s*>/, are found by entryOpen and entryClose. */
const TX_OPEN = /<(?:[\w.-]+:)?TxDtls[\s>]/g;
const STATEMENT_ROOT = /<(?:[\w.-]+:)?BkToCstmrStmt[\s>]/g;
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
  const cutter = new EntryCutter();
  const channel = options.channel ?? null;
  let sawText = false;

  for await (const text of decodeText(source, options.onEncoding)) {
    const batch: ParseEvent<SettlementRecord>[] = [];
    if (sawText) {
      cutter.append(text, () => entryEvents(cutter, channel, batch));
    } else {
      cutter.buffer = cutter.rest() + text;
      cutter.pos = 0;
      if (cutter.buffer.trim() !== "") {
        sawText = true;
        if (!cutter.buffer.trimStart().startsWith("<")) throw new StatementFileError("the file is not XML");
      }
    }
    while (cutter.take(true)) entryEvents(cutter, channel, batch);
    if (batch.length > 0) yield batch;
  }
  if (!sawText) throw new StatementFileError("the file is empty");
  const rest = cutter.rest();
  if (entryOpen(rest, 0) >= 0 || !DOCUMENT_CLOSE.test(rest)) throw new StatementFileError("the XML is truncated (no closing </Document>)");
  if (!cutter.isStatement) throw new StatementFileError("the XML is not a camt.053 statement (no BkToCstmrStmt)");
  if (cutter.entries === 0) throw new StatementFileError("the statement has no entries");
}

/** How much of a new chunk is joined to the unconsumed text before it to finish the entry cut by the chunk boundary. */
const HEAD_CHARS = 16384;

/**
 * Cuts the <Ntry> elements out of the text stream, as the regexes ENTRY_OPEN and ENTRY_CLOSE would find them in
 * the unconsumed text and the chunks after it. buffer[pos…] is the text not yet consumed, starting on `line`.
 *
 * Why it is built this way (user + sys CPU of the 1M-entry bench file with the entries cut but not read;
 * decoding alone is about 3.5 s): slicing the buffer and running the regexes over the rest of it for every
 * entry, 7.1–7.4 s; moving an offset and searching with indexOf, 6.6–6.8 s. Most of what was left was joining
 * the unconsumed tail to each 256 KB chunk: a 512 KB copy and a fresh large object per chunk (half the system
 * time is its page faults), after which indexOf on the joined string was also slower than on the decoder's.
 * So only the chunk's first HEAD_CHARS are joined to finish the cut entry, and the rest is searched in the
 * decoder's own string: 4.0–4.4 s.
 */
class EntryCutter {
  buffer = "";
  pos = 0;
  line = 1;
  isStatement = false;
  entries = 0;
  /** The entry last taken: buffer[open, end), from line entryLine. */
  open = 0;
  end = 0;
  entryLine = 0;

  rest(): string {
    return this.pos > 0 ? this.buffer.slice(this.pos) : this.buffer;
  }

  entryXml(): string {
    return this.buffer.slice(this.open, this.end);
  }

  /**
   * Adds a chunk after the unconsumed text. The entries that end within the chunk's head are taken from the
   * joined head (the same matches as in the whole joined text: no tag match can cross a "<"); once the
   * unconsumed text is used up, the chunk itself becomes the buffer. Otherwise (a long entry, no entry) the
   * whole chunk is joined, as before.
   */
  append(text: string, onEntry: () => void): void {
    const carry = this.buffer.length - this.pos;
    if (carry > 0 && text.length > HEAD_CHARS) {
      this.buffer = this.rest() + text.slice(0, HEAD_CHARS);
      this.pos = 0;
      while (this.pos < carry && this.take(false)) onEntry();
      if (this.pos >= carry) {
        this.buffer = text;
        this.pos -= carry;
        return;
      }
      this.buffer = this.buffer.slice(this.pos, carry) + text;
    } else {
      this.buffer = this.rest() + text;
    }
    this.pos = 0;
  }

  /**
   * Takes the next entry of buffer[pos…] (open, end, entryLine), false when there is none yet. Only when
   * `whole` (the buffer ends where the text read so far ends) does it note what it passed and refuse an entry
   * that never closes; in a joined head it just stops.
   */
  take(whole: boolean): boolean {
    const { buffer, pos } = this;
    const open = entryOpen(buffer, pos);
    if (open < 0) {
      if (!whole) return false;
      this.isStatement ||= statementRootBefore(buffer, pos, buffer.length);
      // Keep only a tail that might hold the start of a tag cut by the chunk boundary.
      if (buffer.length - pos > 65536) {
        this.line += countLines(buffer, pos, buffer.length - 256);
        this.buffer = buffer.slice(-256);
        this.pos = 0;
      }
      return false;
    }
    this.isStatement ||= statementRootBefore(buffer, pos, open);
    if (!this.isStatement) throw new StatementFileError("the XML is not a camt.053 statement (no BkToCstmrStmt before the first entry)");
    const end = entryClose(buffer, open);
    if (end < 0) {
      if (whole && buffer.length - open > MAX_ENTRY_CHARS) throw new StatementFileError(`the entry at line ${this.line + countLines(buffer, pos, open)} never closes: the XML is malformed`);
      return false;
    }
    this.open = open;
    this.end = end;
    this.entryLine = this.line + countLines(buffer, pos, open);
    this.line = this.entryLine + countLines(buffer, open, end);
    this.pos = end;
    this.entries++;
    return true;
  }
}

/** The newlines in text[from, upTo). */
function countLines(text: string, from: number, upTo: number): number {
  let n = 0;
  for (let i = text.indexOf("\n", from); i >= 0 && i < upTo; i = text.indexOf("\n", i + 1)) n++;
  return n;
}

/** True when text[from, to) holds a <BkToCstmrStmt> start tag (STATEMENT_ROOT; no match can cross a "<" at `to`). */
function statementRootBefore(text: string, from: number, to: number): boolean {
  STATEMENT_ROOT.lastIndex = from;
  const m = STATEMENT_ROOT.exec(text);
  return m !== null && m.index < to;
}

/** A character of [\w.-], as in a name prefix of the tag regexes. */
const prefixChar = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 45 || c === 46;
/** A character of JavaScript's \s. */
const regexSpace = (c: number) =>
  c === 32 || (c >= 9 && c <= 13) || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;

/**
 * Where the tag whose local name is at `at` starts: the "<" (or "</" when `close`) just before it or
 * before one prefix of [\w.-]+ and ":", at or after `from`; -1 when there is none.
 */
function tagStart(text: string, at: number, from: number, close: boolean): number {
  let k = at - 1;
  if (text.charCodeAt(k) === 58 /* ":" */) {
    const colon = k;
    while (k - 1 >= from && prefixChar(text.charCodeAt(k - 1))) k--;
    if (k === colon) return -1;
    k--;
  }
  if (close) {
    if (text.charCodeAt(k) !== 47 /* "/" */) return -1;
    k--;
  }
  return k >= from && text.charCodeAt(k) === 60 /* "<" */ ? k : -1;
}

/** ENTRY_OPEN's match in text[from…] by indexOf: where the first <Ntry> start tag begins, or -1. */
const entryOpen = (text: string, from: number) => startTag(text, "Ntry", from);

/** Where the first start tag of local name `name` begins in text[from…] (/<(?:[\w.-]+:)?name[\s>]/), or -1. */
function startTag(text: string, name: string, from: number): number {
  for (let at = text.indexOf(name, from); at >= 0; at = text.indexOf(name, at + name.length)) {
    const next = text.charCodeAt(at + name.length);
    if (next !== 62 /* ">" */ && !regexSpace(next)) continue;
    const start = tagStart(text, at, from, false);
    if (start >= 0) return start;
  }
  return -1;
}

/** ENTRY_CLOSE's match in text[from…] by indexOf: where the first </Ntry> end tag ends, or -1. */
function entryClose(text: string, from: number): number {
  for (let at = text.indexOf("Ntry", from); at >= 0; at = text.indexOf("Ntry", at + 4)) {
    let k = at + 4;
    while (regexSpace(text.charCodeAt(k))) k++;
    if (text.charCodeAt(k) !== 62 /* ">" */) continue;
    if (tagStart(text, at, from, true) >= 0) return k + 1;
  }
  return -1;
}

/** What the importer reads of an amount: its text and its Ccy attribute. */
export type AmountFacts = { text: string; ccy: string };
/** What the importer reads of one <Strd> of a transaction's remittance information. */
export type StructuredFacts = { creditorRef: string; documentNumbers: string[]; additional: string[] };
/** What the importer reads of one <TxDtls>: `amount` null when it has no <Amt> of its own. */
export type TransactionFacts = {
  amount: AmountFacts | null;
  txAmount: AmountFacts;
  creditDebit: string;
  endToEndId: string;
  acctSvcrRef: string;
  txId: string;
  instrId: string;
  unstructured: string[];
  structured: StructuredFacts[];
  additionalTxInfo: string;
  iban: string;
  otherId: string;
};
/**
 * What the importer reads of one <Ntry>, every text as fast-xml-parser gives it (trimmed, entities
 * and line breaks decoded; "" for an element that is absent, repeated where it may not repeat, or
 * has child elements).
 */
export type EntryFacts = {
  amount: AmountFacts;
  creditDebit: string;
  reversal: string;
  status: string;
  statusCode: string;
  bookingDate: string;
  bookingDateTime: string;
  valueDate: string;
  valueDateTime: string;
  acctSvcrRef: string;
  ntryRef: string;
  additionalEntryInfo: string;
  transactions: TransactionFacts[];
};

/**
 * Appends the events of the entry the cutter took to `out` (a generator per entry, spread into the batch, cost about
 * a tenth of the parse). Its facts come from the scanner for plain markup, read in place in the cutter's buffer, and
 * from fast-xml-parser (which also refuses malformed XML) for anything else.
 */
function entryEvents(cutter: EntryCutter, channel: string | null, out: ParseEvent<SettlementRecord>[]): void {
  const { buffer, open, end, entryLine: line } = cutter;
  const entry = scanEntry(buffer, open, end) ?? factsOfTree(parsedEntry(cutter.entryXml(), line));

  // ISO 20022: a DBIT entry with RvslInd true returns an earlier credit (kept, as a reversal line);
  // a CRDT one with RvslInd true returns an earlier debit, which was never a payment.
  const reversal = entry.creditDebit === "DBIT" && entry.reversal === "true";
  if (entry.creditDebit !== "CRDT" && !reversal) {
    out.push({ kind: "skipped", line, reason: entry.creditDebit === "DBIT" ? "debit" : "no credit/debit indicator" });
    return;
  }
  if (!reversal && entry.reversal === "true") {
    out.push({ kind: "skipped", line, reason: "reversal" });
    return;
  }
  const status = entry.status || entry.statusCode;
  if (status && status !== "BOOK") {
    out.push({ kind: "skipped", line, reason: `not booked (${clip(status, 8)})` });
    return;
  }

  const valueDate = entry.valueDate || entry.valueDateTime.slice(0, 10) || entry.bookingDate || entry.bookingDateTime.slice(0, 10);
  const date = dateField("ValDt", valueDate, "YYYY-MM-DD");
  const transactions = entry.transactions;
  const txLines = txLinesOf(cutter);

  const entryAmount = amountOf(entry.amount);
  if (typeof entryAmount === "string") {
    out.push({ kind: "rejected", line, reason: entryAmount });
    return;
  }
  if (!date.ok) {
    out.push({ kind: "rejected", line, reason: date.reason });
    return;
  }

  if (transactions.length <= 1) {
    out.push({ kind: "record", line: txLines(0), record: withReversal(recordOf(entry, transactions[0] ?? NO_TRANSACTION, null, entryAmount, date.value, channel), reversal) });
    return;
  }

  // A batch booking: one entry, several payments. Each needs its own amount, and they must add up.
  const amounts = transactions.map((tx) => amountOf(tx.amount ?? tx.txAmount));
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
    if (!reversal && tx.creditDebit === "DBIT") {
      out.push({ kind: "skipped", line: txLines(i), reason: "debit" });
      continue;
    }
    out.push({ kind: "record", line: txLines(i), record: withReversal(recordOf(entry, tx, i, amounts[i] as number, date.value, channel), reversal) });
  }
}

/** Only reversal lines carry the flag, so every other record stays as it was. */
const withReversal = (record: SettlementRecord, reversal: boolean): SettlementRecord => (reversal ? { ...record, reversal: true } : record);

/** The line of the entry's i-th <TxDtls> (the entry's own line when it has none): one search for an entry of one payment, the rest when a batch asks. */
function txLinesOf(cutter: EntryCutter): (i: number) => number {
  const { buffer, open, end, entryLine: line } = cutter;
  let all: number[] | null = null;
  return (i) => {
    if (i === 0 && all === null) {
      // TX_OPEN's first match, by indexOf (the regex was 0.2-0.25 s of CPU at 1M entries).
      const first = startTag(buffer, "TxDtls", open);
      return first >= 0 && first < end ? line + countLines(buffer, open, first) : line;
    }
    if (all === null) {
      const entryXml = buffer.slice(open, end);
      all = [...entryXml.matchAll(TX_OPEN)].map((m) => line + countLines(entryXml, 0, m.index));
    }
    return all[i] ?? line;
  };
}

// ---------------------------------------------------------------------------------------------
// The fallback: fast-xml-parser's tree, and the facts read from it.

type Node = Record<string, unknown>;
const node = (v: unknown): Node => (v && typeof v === "object" && !Array.isArray(v) ? (v as Node) : {});
const str = (v: unknown): string => (typeof v === "string" ? v : typeof v === "object" && v && "#text" in v ? String((v as Node)["#text"]) : "");
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]);

/** The entry through fast-xml-parser, validated first so that a malformed entry is refused at its line and column. */
export function parsedEntry(entryXml: string, line: number): Node {
  const valid = XMLValidator.validate(entryXml);
  if (valid !== true) {
    throw new StatementFileError(`the XML is malformed at line ${line + valid.err.line - 1}, column ${valid.err.col} (in the entry from line ${line})`);
  }
  return node(node(xml.parse(entryXml)).Ntry);
}

const amountOfTree = (amt: unknown): AmountFacts => ({ text: str(amt), ccy: str(node(amt)["@Ccy"]) });

/** The facts of fast-xml-parser's tree of an entry (as the importer read that tree before the scanner). */
export function factsOfTree(entry: Node): EntryFacts {
  return {
    amount: amountOfTree(entry.Amt),
    creditDebit: str(entry.CdtDbtInd),
    reversal: str(entry.RvslInd),
    status: str(entry.Sts),
    statusCode: str(node(entry.Sts).Cd),
    bookingDate: str(node(entry.BookgDt).Dt),
    bookingDateTime: str(node(entry.BookgDt).DtTm),
    valueDate: str(node(entry.ValDt).Dt),
    valueDateTime: str(node(entry.ValDt).DtTm),
    acctSvcrRef: str(entry.AcctSvcrRef),
    ntryRef: str(entry.NtryRef),
    additionalEntryInfo: str(entry.AddtlNtryInf),
    transactions: list(entry.NtryDtls)
      .flatMap((d) => list(node(d).TxDtls))
      .map((t) => {
        const tx = node(t);
        const refs = node(tx.Refs);
        const rmtInf = node(tx.RmtInf);
        const debtorAccount = node(node(node(tx.RltdPties).DbtrAcct).Id);
        return {
          amount: tx.Amt === undefined ? null : amountOfTree(tx.Amt),
          txAmount: amountOfTree(node(node(tx.AmtDtls).TxAmt).Amt),
          creditDebit: str(tx.CdtDbtInd),
          endToEndId: str(refs.EndToEndId),
          acctSvcrRef: str(refs.AcctSvcrRef),
          txId: str(refs.TxId),
          instrId: str(refs.InstrId),
          unstructured: list(rmtInf.Ustrd).map(str),
          structured: list(rmtInf.Strd)
            .map(node)
            .map((s) => ({ creditorRef: str(node(s.CdtrRefInf).Ref), documentNumbers: list(s.RfrdDocInf).map((d) => str(node(d).Nb)), additional: list(s.AddtlRmtInf).map(str) })),
          additionalTxInfo: str(tx.AddtlTxInf),
          iban: str(debtorAccount.IBAN),
          otherId: str(node(debtorAccount.Othr).Id),
        };
      }),
  };
}

// ---------------------------------------------------------------------------------------------
// The scanner: the facts straight from the markup, no tree.

const ATTRIBUTE = /\s+([A-Za-z_][\w.-]*)=(?:"([^"<&]*)"|'([^'<&]*)')/y;
const TAG_END = /\s*(\/?)>/y;
const NAMED_ENTITY = /&(?:lt|gt|amp|apos|quot);/g;
const ENTITY_CHARS: Record<string, string> = { "&lt;": "<", "&gt;": ">", "&amp;": "&", "&apos;": "'", "&quot;": '"' };
/** Names fast-xml-parser refuses, renames or drops (namespace declarations), or that reach a prototype in its tree: left to it. */
const UNSAFE_NAMES = new Set([...Object.getOwnPropertyNames(Object.prototype), "prototype", "xmlns"]);
const nameKey = (length: number, first: number) => length * 128 + first;
const UNSAFE_KEYS = new Set([...UNSAFE_NAMES].map((n) => nameKey(n.length, n.charCodeAt(0))));
const unsafe = (src: string, from: number, to: number) => UNSAFE_KEYS.has(nameKey(to - from, src.charCodeAt(from))) && UNSAFE_NAMES.has(src.slice(from, to));

/** A name's first character ([A-Za-z_]) and the rest ([\w.-]), as char codes. */
const nameStart = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
const nameChar = (c: number) => nameStart(c) || (c >= 48 && c <= 57) || c === 45 || c === 46;

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

/** fast-xml-parser reads CRLF and CR as LF, as XML says. */
const lineBreaks = (text: string) => (text.includes("\r") ? text.replace(/\r\n?/g, "\n") : text);

/** A leaf's text as fast-xml-parser gives it; null for text it would read differently (other references). */
function leafText(src: string, from: number, to: number): string | null {
  if (to <= from) return "";
  let text = lineBreaks(src.slice(from, to).trim());
  if (text.includes("&")) {
    if (text.replace(NAMED_ENTITY, "").includes("&")) return null;
    text = text.replace(NAMED_ENTITY, (e) => ENTITY_CHARS[e]!);
  }
  return text;
}

/** What an element of the schema opens (a record to fill) or, on closing, which text it sets. */
const enum Opens {
  Nothing,
  Transaction,
  Structured,
  /** A <RfrdDocInf>: one document number, "" until its <Nb>. */
  Document,
}
const enum Sets {
  Nothing,
  EntryAmount, CreditDebit, Reversal, Status, StatusCode, BookingDate, BookingDateTime, ValueDate, ValueDateTime, EntryAcctSvcrRef, NtryRef, AdditionalEntryInfo,
  TxAmount, TxAmtDtlsAmount, TxCreditDebit, EndToEndId, TxAcctSvcrRef, TxId, InstrId, Unstructured, AdditionalTxInfo, Iban, OtherId,
  CreditorRef, DocumentNumber, AdditionalRemittance,
}

/** The elements the importer reads, as a tree of local names; `repeated` ones may occur more than once (REPEATED). */
class Schema {
  /** Children by name key (length and first char), then name. */
  readonly children = new Map<number, Schema[]>();
  bit = 0;
  /** REPEATED.has(name), kept: asked for every element the scanner reads. */
  readonly repeated: boolean;
  constructor(
    readonly name: string,
    readonly sets: Sets = Sets.Nothing,
    readonly opens: Opens = Opens.Nothing,
    kids: Schema[] = [],
  ) {
    this.repeated = REPEATED.has(name);
    kids.forEach((kid, i) => {
      kid.bit = 1 << i;
      const key = nameKey(kid.name.length, kid.name.charCodeAt(0));
      this.children.set(key, [...(this.children.get(key) ?? []), kid]);
    });
  }
  child(src: string, from: number, to: number): Schema | undefined {
    const candidates = this.children.get(nameKey(to - from, src.charCodeAt(from)));
    if (candidates) for (const kid of candidates) if (src.startsWith(kid.name, from)) return kid;
    return undefined;
  }
}
const S = (name: string, sets: Sets, kids: Schema[] = []) => new Schema(name, sets, Opens.Nothing, kids);
const SCHEMA = new Schema("Ntry", Sets.Nothing, Opens.Nothing, [
  S("Amt", Sets.EntryAmount),
  S("CdtDbtInd", Sets.CreditDebit),
  S("RvslInd", Sets.Reversal),
  S("Sts", Sets.Status, [S("Cd", Sets.StatusCode)]),
  S("BookgDt", Sets.Nothing, [S("Dt", Sets.BookingDate), S("DtTm", Sets.BookingDateTime)]),
  S("ValDt", Sets.Nothing, [S("Dt", Sets.ValueDate), S("DtTm", Sets.ValueDateTime)]),
  S("AcctSvcrRef", Sets.EntryAcctSvcrRef),
  S("NtryRef", Sets.NtryRef),
  S("AddtlNtryInf", Sets.AdditionalEntryInfo),
  S("NtryDtls", Sets.Nothing, [
    new Schema("TxDtls", Sets.Nothing, Opens.Transaction, [
      S("Amt", Sets.TxAmount),
      S("AmtDtls", Sets.Nothing, [S("TxAmt", Sets.Nothing, [S("Amt", Sets.TxAmtDtlsAmount)])]),
      S("CdtDbtInd", Sets.TxCreditDebit),
      S("Refs", Sets.Nothing, [S("EndToEndId", Sets.EndToEndId), S("AcctSvcrRef", Sets.TxAcctSvcrRef), S("TxId", Sets.TxId), S("InstrId", Sets.InstrId)]),
      S("RmtInf", Sets.Nothing, [
        S("Ustrd", Sets.Unstructured),
        new Schema("Strd", Sets.Nothing, Opens.Structured, [
          S("CdtrRefInf", Sets.Nothing, [S("Ref", Sets.CreditorRef)]),
          new Schema("RfrdDocInf", Sets.Nothing, Opens.Document, [S("Nb", Sets.DocumentNumber)]),
          S("AddtlRmtInf", Sets.AdditionalRemittance),
        ]),
      ]),
      S("AddtlTxInf", Sets.AdditionalTxInfo),
      S("RltdPties", Sets.Nothing, [S("DbtrAcct", Sets.Nothing, [S("Id", Sets.Nothing, [S("IBAN", Sets.Iban), S("Othr", Sets.Nothing, [S("Id", Sets.OtherId)])])])]),
    ]),
  ]),
]);

const noAmount = (): AmountFacts => ({ text: "", ccy: "" });
const NO_TRANSACTION: TransactionFacts = {
  amount: null, txAmount: noAmount(), creditDebit: "", endToEndId: "", acctSvcrRef: "", txId: "", instrId: "", unstructured: [], structured: [], additionalTxInfo: "", iban: "", otherId: "",
};
const newTransaction = (): TransactionFacts => ({ ...NO_TRANSACTION, txAmount: noAmount(), unstructured: [], structured: [] });

/** The scanner's stack, reused from entry to entry (an entry is parsed to its end before the next). */
const stackFrom: number[] = [];
const stackTo: number[] = [];
const stackSchema: (Schema | null)[] = [];
const stackSeen: number[] = [];
const stackChildren: boolean[] = [];
const stackCcy: string[] = [];

/**
 * The entry's facts from a strict scanner of plain markup only: ASCII names with at most one prefix,
 * name="value" attributes, text with the five predefined entities. It builds no tree: it follows the
 * schema above, keeps the texts it names and skips the rest, checking that every tag closes. Anything
 * else (comments, CDATA, processing instructions, other references, text beside elements, an element
 * of the schema repeated where it may not be, any malformed markup) gives null, and the entry goes to
 * fast-xml-parser, which refuses it at its line and column or reads it. The entry is src[start, end), read in
 * place: charCodeAt on a slice of the text cost about a fifth more than on the text itself.
 */
export function scanEntry(src: string, start = 0, end = src.length): EntryFacts | null {
  const entry: EntryFacts = {
    amount: noAmount(), creditDebit: "", reversal: "", status: "", statusCode: "", bookingDate: "", bookingDateTime: "", valueDate: "", valueDateTime: "",
    acctSvcrRef: "", ntryRef: "", additionalEntryInfo: "", transactions: [],
  };
  let tx: TransactionFacts = NO_TRANSACTION;
  let structured: StructuredFacts | null = null;
  let depth = 0;
  let textFrom = 0;
  let textTo = 0;
  let i = start;
  for (;;) {
    let lt = i;
    while (lt < end && src.charCodeAt(lt) !== 60 /* "<" */) lt++;
    if (lt >= end) return null;
    const top = depth - 1;
    if (lt > i) {
      if (top < 0) return null;
      textFrom = i;
      textTo = lt;
      if (stackChildren[top] && !blank(src, i, lt)) return null;
    }
    if (src.charCodeAt(lt + 1) === 47 /* "/" */) {
      if (top < 0) return null;
      const from = stackFrom[top]!;
      const length = stackTo[top]! - from;
      const gt = lt + 2 + length;
      if (src.charCodeAt(gt) !== 62 /* ">" */) return null;
      for (let k = 0; k < length; k++) if (src.charCodeAt(lt + 2 + k) !== src.charCodeAt(from + k)) return null;
      const schema = stackSchema[top];
      if (schema && schema.sets !== Sets.Nothing) {
        const text = stackChildren[top] ? "" : leafText(src, textFrom, textTo);
        if (text === null) return null;
        set(entry, tx, structured, schema.sets, text, stackCcy[top]!);
      } else if (!stackChildren[top] && textTo > textFrom) {
        let amp = textFrom;
        while (amp < textTo && src.charCodeAt(amp) !== 38 /* "&" */) amp++;
        if (amp < textTo && leafText(src, textFrom, textTo) === null) return null;
      }
      if (schema?.opens === Opens.Structured) structured = null;
      depth--;
      textFrom = textTo = 0;
      if (depth === 0) return gt + 1 === end ? entry : null;
      i = gt + 1;
      continue;
    }
    // <name> or <prefix:name>, names as [A-Za-z_][\w.-]*
    let at = lt + 1;
    if (!nameStart(src.charCodeAt(at))) return null;
    for (at++; nameChar(src.charCodeAt(at)); ) at++;
    let localFrom = lt + 1;
    if (src.charCodeAt(at) === 58 /* ":" */) {
      if (unsafe(src, lt + 1, at)) return null;
      localFrom = ++at;
      if (!nameStart(src.charCodeAt(at))) return null;
      for (at++; nameChar(src.charCodeAt(at)); ) at++;
    }
    if (unsafe(src, localFrom, at)) return null;
    if (top >= 0) {
      if (textTo > textFrom && !blank(src, textFrom, textTo)) return null;
      stackChildren[top] = true;
    }
    textFrom = textTo = 0;
    const parent = top >= 0 ? stackSchema[top] : null;
    let schema: Schema | null;
    if (top < 0) {
      if (at - localFrom !== 4 || !src.startsWith("Ntry", localFrom)) return null;
      schema = SCHEMA;
    } else {
      schema = parent ? (parent.child(src, localFrom, at) ?? null) : null;
      if (schema && !schema.repeated) {
        if (stackSeen[top]! & schema.bit) return null;
        stackSeen[top] = stackSeen[top]! | schema.bit;
      }
    }
    // Attributes: checked as fast-xml-parser would take them; only Ccy is kept (on amounts).
    let ccy = "";
    let selfClosing: boolean;
    const next = src.charCodeAt(at);
    const nameEnd = at;
    if (next === 62 /* ">" */) {
      selfClosing = false;
      i = at + 1;
    } else if (next === 47 /* "/" */ && src.charCodeAt(at + 1) === 62) {
      selfClosing = true;
      i = at + 2;
    } else {
      let names: string[] | null = null;
      for (;;) {
        ATTRIBUTE.lastIndex = at;
        const attribute = ATTRIBUTE.exec(src);
        if (!attribute) break;
        const name = attribute[1]!;
        if (UNSAFE_NAMES.has(name) || names?.includes(name)) return null;
        (names ??= []).push(name);
        if (name === "Ccy") ccy = lineBreaks((attribute[2] ?? attribute[3]!).trim());
        at = ATTRIBUTE.lastIndex;
      }
      TAG_END.lastIndex = at;
      const end = TAG_END.exec(src);
      if (!end) return null;
      selfClosing = end[1] !== "";
      i = TAG_END.lastIndex;
    }
    if (selfClosing) {
      if (top < 0) return null;
      if (schema) {
        if (schema.opens === Opens.Transaction) entry.transactions.push(newTransaction());
        else if (schema.opens === Opens.Structured) tx.structured.push({ creditorRef: "", documentNumbers: [], additional: [] });
        else if (schema.opens === Opens.Document) structured!.documentNumbers.push("");
        else if (schema.sets !== Sets.Nothing) set(entry, tx, structured, schema.sets, "", ccy);
      }
      continue;
    }
    if (schema?.opens === Opens.Transaction) {
      tx = newTransaction();
      entry.transactions.push(tx);
    } else if (schema?.opens === Opens.Structured) {
      structured = { creditorRef: "", documentNumbers: [], additional: [] };
      tx.structured.push(structured);
    } else if (schema?.opens === Opens.Document) {
      structured!.documentNumbers.push("");
    }
    stackFrom[depth] = lt + 1;
    stackTo[depth] = nameEnd;
    stackSchema[depth] = schema;
    stackSeen[depth] = 0;
    stackChildren[depth] = false;
    stackCcy[depth] = ccy;
    depth++;
  }
}

/** Stores a text of the schema where it belongs (within the current transaction and <Strd>). */
function set(entry: EntryFacts, tx: TransactionFacts, structured: StructuredFacts | null, sets: Sets, text: string, ccy: string): void {
  switch (sets) {
    case Sets.EntryAmount: entry.amount = { text, ccy }; break;
    case Sets.CreditDebit: entry.creditDebit = text; break;
    case Sets.Reversal: entry.reversal = text; break;
    case Sets.Status: entry.status = text; break;
    case Sets.StatusCode: entry.statusCode = text; break;
    case Sets.BookingDate: entry.bookingDate = text; break;
    case Sets.BookingDateTime: entry.bookingDateTime = text; break;
    case Sets.ValueDate: entry.valueDate = text; break;
    case Sets.ValueDateTime: entry.valueDateTime = text; break;
    case Sets.EntryAcctSvcrRef: entry.acctSvcrRef = text; break;
    case Sets.NtryRef: entry.ntryRef = text; break;
    case Sets.AdditionalEntryInfo: entry.additionalEntryInfo = text; break;
    case Sets.TxAmount: tx.amount = { text, ccy }; break;
    case Sets.TxAmtDtlsAmount: tx.txAmount = { text, ccy }; break;
    case Sets.TxCreditDebit: tx.creditDebit = text; break;
    case Sets.EndToEndId: tx.endToEndId = text; break;
    case Sets.TxAcctSvcrRef: tx.acctSvcrRef = text; break;
    case Sets.TxId: tx.txId = text; break;
    case Sets.InstrId: tx.instrId = text; break;
    case Sets.Unstructured: tx.unstructured.push(text); break;
    case Sets.AdditionalTxInfo: tx.additionalTxInfo = text; break;
    case Sets.Iban: tx.iban = text; break;
    case Sets.OtherId: tx.otherId = text; break;
    case Sets.CreditorRef: structured!.creditorRef = text; break;
    case Sets.DocumentNumber: structured!.documentNumbers[structured!.documentNumbers.length - 1] = text; break;
    case Sets.AdditionalRemittance: structured!.additional.push(text); break;
    case Sets.Nothing: break;
  }
}

/** Amount in fen, or the reason it is not one (only renminbi is settled here). */
function amountOf(amt: AmountFacts): number | string {
  if (amt.ccy && amt.ccy !== "CNY") return `currency ${clip(amt.ccy, 5)} is not CNY`;
  const parsed = amountField("Amt", amt.text);
  if (!parsed.ok) return parsed.reason;
  if (parsed.value === 0) return "Amt is zero";
  return parsed.value;
}

/** A reference as banks send it, with ISO 20022's placeholder for "none" read as none. */
const given = (v: string) => {
  const ref = v.trim();
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
function recordOf(entry: EntryFacts, tx: TransactionFacts, batchIndex: number | null, amountFen: number, valueDate: string, channel: string | null): SettlementRecord {
  const entryRef = given(entry.acctSvcrRef) || given(entry.ntryRef);
  const ownRef = given(tx.endToEndId) || given(tx.acctSvcrRef) || given(tx.txId) || given(tx.instrId);
  const bankRef = ownRef || (entryRef && batchIndex !== null ? `${entryRef}/${batchIndex + 1}` : entryRef);

  // Gathered by loops into one short list, not by spreads, flatMaps and a Set: those arrays cost about 0.3 µs
  // per entry (recordOf's self time at 1M entries, 0.55-0.6 s).
  const texts: string[] = [];
  for (const t of tx.unstructured) addText(texts, t);
  for (const s of tx.structured) for (const t of creditorReference(s.creditorRef)) addText(texts, t);
  for (const s of tx.structured) for (const t of s.documentNumbers) addText(texts, t);
  for (const s of tx.structured) for (const t of s.additional) addText(texts, t);
  addText(texts, tx.additionalTxInfo);
  for (const ref of [tx.endToEndId, tx.acctSvcrRef, tx.txId, tx.instrId]) {
    const r = given(ref);
    if (r !== bankRef) addText(texts, r);
  }
  const own = texts.join(" ");

  const account = tx.iban || tx.otherId;
  return {
    bankRef: textField(bankRef, 100),
    amountFen,
    valueDate,
    channel,
    payerAccount: maskAccount(account),
    remittance: textField(own || (batchIndex === null ? entry.additionalEntryInfo : "")),
  };
}

/** Adds a remittance text, trimmed, unless it is empty or already there (the first occurrence keeps its place). */
function addText(texts: string[], text: string): void {
  const t = text.trim();
  if (t !== "" && !texts.includes(t)) texts.push(t);
}

/** An ISO 11649 reference ("RF18 5390 0754 7034") as printed and as its reference part ("539007547034"). */
function creditorReference(ref: string): string[] {
  const compact = ref.replace(/\s+/g, "");
  if (compact === "") return [];
  const rf = /^RF\d{2}([0-9A-Za-z]{1,21})$/i.exec(compact);
  return rf ? [compact, rf[1]!] : [compact];
}
