import { decodeText, type TextEncodingName } from "./decode";
import { amountField, clip, dateField, textField } from "./fields";
import { StatementFileError, type ByteSource, type ParseEvent, type SettlementRecord } from "./types";

/**
 * SWIFT MT940 customer statement: each `:61:` statement line, with the
 * `:86:` information that follows it as remittance text. Read line by line;
 * a statement (`:20:`) must end with its closing balance (`:62F:`/`:62M:`),
 * so a cut-off file is refused instead of half-imported.
 *
 * Banks wrap statements in envelopes: SWIFT blocks ({1:…}{2:…}{3:…}{4: … -}{5:…}),
 * SOH/ETX bytes, or a header of their own (":940:", "ABNANL2A / 940 / ABNANL2A",
 * "0000 01INGBNL2AXXXX00001 / 940 00", free text), once per file or once per
 * message. Whatever stands between statements is passed over, up to
 * MAX_HEADER_LINES lines: more than that is not an envelope but another file.
 */

export type Mt940Options = { channel?: string | null; onEncoding?: (e: TextEncodingName) => void };

const TAG = /^:(\d{2}[A-Z]?):(.*)$/;
// :61: value date, optional entry date, mark, funds code, amount, type, owner ref[//bank ref]
const STATEMENT_LINE = /^(\d{6})(\d{4})?(RC|RD|C|D)([A-Z])?(\d{1,15},\d{0,2})([NSF][A-Z0-9]{3})(.*)$/;
const BALANCE = /^[CD]\d{6}([A-Z]{3})[\d,]+$/;
const MESSAGE_END = /^-\}?(\{5:.*\})?\s*$/;
/** SOH and ETX around a message, as some banks' transmissions keep them. */
const TRANSMISSION_MARKS = /[\u0001\u0003]/g;
const MAX_HEADER_LINES = 40;

type Pending = { line: number; tag: string; value: string };
type Transaction = { line: number; statementLine: string; info: string | null };

/** Yields the events in batches (one per decoded chunk), in file order. */
export async function* parseMt940(source: ByteSource, options: Mt940Options = {}): AsyncGenerator<ParseEvent<SettlementRecord>[]> {
  const channel = options.channel ?? null;
  let lineNo = 0;
  let carry = "";
  let tag: Pending | null = null;
  let tx: Transaction | null = null;
  let inStatement = false;
  let statements = 0;
  let transactions = 0;
  let sawText = false;
  let headerLines = 0;
  let statementLine = 0;
  let headerStart = 0;

  // Applies one complete tag (with its continuation lines); returns a finished transaction, if any.
  const apply = (t: Pending): Transaction | null => {
    let done: Transaction | null = null;
    switch (t.tag) {
      case "20":
        if (inStatement) throw new StatementFileError(`statement at line ${t.line} starts before the previous one closed (no :62F:)`);
        inStatement = true;
        statementLine = t.line;
        statements++;
        break;
      case "60F":
      case "60M": {
        const ccy = BALANCE.exec(t.value.trim())?.[1];
        if (!ccy) throw new StatementFileError(`opening balance at line ${t.line} is malformed`);
        if (ccy !== "CNY") throw new StatementFileError(`the statement is in ${ccy} (opening balance at line ${t.line}); only CNY statements are read`);
        break;
      }
      case "61":
        if (!inStatement) throw new StatementFileError(`statement line at line ${t.line} is outside a statement (no :20:)`);
        done = tx;
        tx = { line: t.line, statementLine: t.value, info: null };
        transactions++;
        break;
      case "86":
        if (tx && tx.info === null) tx.info = t.value;
        break;
      case "62F":
      case "62M":
        done = tx;
        tx = null;
        inStatement = false;
        break;
      default:
        break;
    }
    if (t.tag !== "61" && t.tag !== "86" && tx) {
      done = tx;
      tx = null;
    }
    return done;
  };

  let batch: ParseEvent<SettlementRecord>[] = [];
  const onLine = (raw: string) => {
    lineNo++;
    const text = raw.replace(/\r$/, "").replace(TRANSMISSION_MARKS, "");
    if (text.trim() === "") return;
    sawText = true;
    // SWIFT envelope: "{1:...}{2:...}{4:" opens (on one line or several) and "-}" closes a message.
    const body = text.replace(/^\{1:[^}]*\}(\{2:[^}]*\})?(\{3:(\{[^}]*\})*\})?\{4:\s*/, "");
    const m = TAG.exec(body);
    if (m || MESSAGE_END.test(body)) {
      if (tag) {
        const done = apply(tag);
        if (done) batch.push(transactionEvent(done, channel));
      }
      tag = m ? { line: lineNo, tag: m[1]!, value: m[2]! } : null;
      headerLines = 0;
      return;
    }
    // A statement is open until its closing balance is applied: its untagged lines continue the last tag.
    const statementOpen = inStatement && !(tag && (tag.tag === "62F" || tag.tag === "62M"));
    if (statementOpen && tag) {
      tag.value += `\n${body}`;
    } else if (statementOpen) {
      throw new StatementFileError(`line ${lineNo} is not MT940 (expected a :tag:)`);
    } else {
      if (headerLines++ === 0) headerStart = lineNo;
      if (headerLines > MAX_HEADER_LINES) throw new StatementFileError(`line ${headerStart} is not MT940 (expected a :tag:, or at most ${MAX_HEADER_LINES} lines of a bank's header)`);
    }
  };

  for await (const text of decodeText(source, options.onEncoding)) {
    const lines = (carry + text).split("\n");
    carry = lines.pop()!;
    for (const l of lines) onLine(l);
    if (batch.length > 0) yield batch;
    batch = [];
  }
  if (carry !== "") onLine(carry);
  if (tag) {
    const done = apply(tag);
    if (done) batch.push(transactionEvent(done, channel));
  }
  if (batch.length > 0) yield batch;
  if (!sawText) throw new StatementFileError("the file is empty");
  if (statements === 0) throw new StatementFileError("the file is not MT940 (no :20: tag)");
  if (inStatement) throw new StatementFileError(`the statement from line ${statementLine} is truncated (no closing balance :62F:)`);
  if (transactions === 0) throw new StatementFileError("the statement has no entries (:61:)");
}

function transactionEvent(tx: Transaction, channel: string | null): ParseEvent<SettlementRecord> {
  // The second line of :61: holds supplementary details (up to 34 characters), often a payer's reference.
  const [first, ...supplementary] = tx.statementLine.split("\n");
  const m = STATEMENT_LINE.exec(first!.trim());
  if (!m) return { kind: "rejected", line: tx.line, reason: `:61: "${clip(first!)}" is not a statement line` };
  const [, yymmdd, , mark, , amountText, , refs] = m;
  if (mark === "D") return { kind: "skipped", line: tx.line, reason: "debit" };
  // RC returns an earlier credit (kept, as a reversal line); RD returns an earlier debit, never a payment.
  if (mark === "RD") return { kind: "skipped", line: tx.line, reason: "reversal" };

  const date = dateField(":61: value date", `20${yymmdd}`, "YYYYMMDD");
  if (!date.ok) return { kind: "rejected", line: tx.line, reason: date.reason };
  const amount = amountField(":61: amount", amountText!.replace(",", ".").replace(/\.$/, ""));
  if (!amount.ok) return { kind: "rejected", line: tx.line, reason: amount.reason };
  if (amount.value === 0) return { kind: "rejected", line: tx.line, reason: ":61: amount is zero" };

  const [ownerRef, bankRef] = refs!.split("//");
  // Continuation lines are joined as they are: banks cut at 65 characters, also inside a receipt number.
  const info = (tx.info ?? "").replace(/\n/g, "");
  // Structured :86: (/EREF/…/REMI/…, or the ?20–?29 purpose fields of the German layout); plain text otherwise.
  const eref = /\/EREF\/([^/]+)/.exec(info)?.[1] ?? /\?2\dEREF\+([^?]+)/.exec(info)?.[1];
  const remi = /\/REMI\/(.*?)(?=\/[A-Z]{4}\/|$)/.exec(info)?.[1] ?? purposeFields(info);
  const owner = ownerRef?.trim();
  const reference = (owner && owner !== "NONREF" ? owner : "") || eref?.trim() || bankRef?.trim() || "";
  return {
    kind: "record",
    line: tx.line,
    record: {
      bankRef: textField(reference, 100),
      amountFen: amount.value,
      valueDate: date.value,
      channel,
      payerAccount: null,
      remittance: textField([remi ?? info, ...supplementary].join(" ")),
      ...(mark === "RC" ? { reversal: true } : {}),
    },
  };
}

/** The purpose text (?20–?29, ?60–?63) of a German-layout :86: ("166?00GUTSCHRIFT?20…?21…"), joined as one text. */
function purposeFields(info: string): string | undefined {
  if (!/^\d{3}\?\d{2}/.test(info)) return undefined;
  const parts = [...info.matchAll(/\?(\d{2})([^?]*)/g)].filter(([, code]) => /^(2\d|6[0-3])$/.test(code!)).map(([, , text]) => text!);
  return parts.join("");
}
