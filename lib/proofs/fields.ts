import { parseYuan } from "../money";
import { luhnValid } from "../receipt-number";

/**
 * The fields a clerk reads off a payment slip (issue 15): amount, date and
 * time, the channel's transaction number, the merchant order number, payee,
 * the tail of the payer's account and a receipt number, each with how sure
 * the reading is (0–1). Works on the text of a WeChat/Alipay screen, a bank
 * app screen, a bank 电子回单 or a POS 签购单, as OCR or a PDF text layer gives
 * it: labels first ("交易单号 4200…"), bare shapes second. A field not found
 * is null. Nothing here decides anything: the bank line is the truth, the
 * slip only points to it.
 */

export type ProofField<T> = { value: T; confidence: number };

export type ProofFields = {
  /** Integer fen. */
  amount: ProofField<number> | null;
  /** ISO date as printed (the service zone's wall clock). */
  date: ProofField<string> | null;
  /** HH:MM:SS (seconds 00 when the slip shows none). */
  time: ProofField<string> | null;
  /** The channel's or bank's number for the payment: 交易单号, 订单号 (Alipay), 交易流水号, 参考号, 凭证号. */
  transactionId: ProofField<string> | null;
  /** The merchant's order number (商户单号, 商家订单号): for a government fee, usually the receipt number. */
  orderNo: ProofField<string> | null;
  payee: ProofField<string> | null;
  /** Last four digits of the payer's (masked) account or card. */
  payerAccountTail: ProofField<string> | null;
  /** A 16-digit number on the slip that passes the Luhn check (the default receipt format). */
  receiptNo: ProofField<string> | null;
};

const CJK = "\\u3400-\\u9fff\\uf900-\\ufaff";
const BETWEEN_CJK = new RegExp(`(?<=[${CJK}]) (?=[${CJK}])`, "gu");
const BEFORE_COLON = new RegExp(`(?<=[${CJK}])[ \\t]+(?=:)`, "gu");

/**
 * Text as OCR engines and PDF text layers give it, made comparable: NFKC
 * (full-width digits, ：, ￥→¥), and the spaces they insert between CJK
 * characters ("支 付 时 间") or before a colon removed. A run of two or more
 * spaces separates columns ("张*明   付款人账号: …") and stays, as two. Lines are kept.
 */
export function normaliseSlipText(text: string): string {
  return text
    .normalize("NFKC")
    .replace(/\r\n?/g, "\n")
    .replace(/[\u200b\u00a0\u3000]/g, " ")
    .split("\n")
    .map((line) => line.replace(/\t/g, "  ").replace(BETWEEN_CJK, "").replace(BEFORE_COLON, "").replace(/ {2,}/g, "  ").trim())
    .filter((line) => line !== "")
    .join("\n");
}

function yuanToFen(text: string): number | null {
  const parsed = parseYuan(text);
  return parsed.ok && parsed.fen > 0 ? parsed.fen : null;
}

// Labels, longest first where one contains another (商家订单号 before 订单号).
const AMOUNT_LABELS = ["付款金额", "支付金额", "实付金额", "交易金额", "转账金额", "缴费金额", "金额\\(小写\\)", "实付", "金额"];
const TIME_LABELS = ["支付时间", "付款时间", "交易时间", "创建时间", "转账时间", "日期/时间", "交易日期", "日期"];
const ORDER_LABELS = ["商户订单号", "商家订单号", "商户单号"];
/** In order of preference: a POS slip's 参考号 is what the acquirer's statement carries, its 凭证号 is per terminal. */
const TXN_LABELS = ["交易单号", "交易流水号", "支付流水号", "交易号", "订单号", "流水号", "参考号", "凭证号"];
const PAYEE_LABELS = ["收款方全称", "商户全称", "收款人户名", "收款户名", "收款方", "商户名称", "收款人"];
const ACCOUNT_LABELS = ["付款人账号", "付款账户", "付款账号", "付款卡号", "卡号"];

const SEP = "\\s*:?\\s*";
const MONEY = "(\\d{1,3}(?:,\\d{3})+\\.\\d{2}|\\d+\\.\\d{2})";

function labelled(lines: string[], labels: string[], value: string): { label: string; match: RegExpExecArray } | null {
  for (const label of labels) {
    // Not preceded by a CJK character: 订单号 must not be found inside 商家订单号.
    const re = new RegExp(`(?<![${CJK}])${label}${SEP}${value}`, "u");
    for (let i = 0; i < lines.length; i++) {
      const m = re.exec(lines[i]!) ?? (new RegExp(`(?<![${CJK}])${label}:?$`, "u").test(lines[i]!) && i + 1 < lines.length ? new RegExp(`^${value}`, "u").exec(lines[i + 1]!) : null);
      if (m) return { label, match: m };
    }
  }
  return null;
}

function parseAmount(lines: string[]): ProofField<number> | null {
  const hit = labelled(lines, AMOUNT_LABELS, `(?:RMB|CNY|人民币)?\\s*[-¥]?\\s*${MONEY}`);
  if (hit) {
    const fen = yuanToFen(hit.match[1]!);
    if (fen !== null) return { value: fen, confidence: 0.95 };
  }
  // OCR of a blurred slip reads the decimal point as a comma ("RMB 388,00"): after a label, two digits at the end are fen.
  const comma = labelled(lines, AMOUNT_LABELS, "(?:RMB|CNY|人民币)?\\s*[-¥]?\\s*(\\d+),(\\d{2})$");
  if (comma) {
    const fen = yuanToFen(`${comma.match[1]}.${comma.match[2]}`);
    if (fen !== null) return { value: fen, confidence: 0.7 };
  }
  for (const re of [new RegExp(`¥\\s*${MONEY}`), new RegExp(`${MONEY}\\s*元`)]) {
    for (const line of lines) {
      const m = re.exec(line);
      const fen = m ? yuanToFen(m[1]!) : null;
      if (fen !== null) return { value: fen, confidence: 0.85 };
    }
  }
  // The big "-120.50" of a WeChat or Alipay bill: a line that is only an amount.
  for (const line of lines) {
    // OCR reads a large ¥ as Y.
    const m = new RegExp(`^[-+]?\\s*[¥Y]?\\s*${MONEY}$`).exec(line);
    const fen = m ? yuanToFen(m[1]!) : null;
    if (fen !== null) return { value: fen, confidence: 0.75 };
  }
  return null;
}

const DATE_TIME = "(\\d{4})\\s*[-/.年]\\s*(\\d{1,2})\\s*[-/.月]\\s*(\\d{1,2})\\s*日?\\s*(?:(\\d{1,2})\\s*:\\s*(\\d{2})(?:\\s*:\\s*(\\d{2}))?)?";

function validDate(y: number, m: number, d: number): boolean {
  if (y < 2000 || y > 2100 || m < 1 || m > 12 || d < 1) return false;
  return d <= new Date(Date.UTC(y, m, 0)).getUTCDate();
}

function parseDateTime(lines: string[]): { date: ProofField<string> | null; time: ProofField<string> | null } {
  const hit = labelled(lines, TIME_LABELS, DATE_TIME);
  const candidates: { m: RegExpExecArray; confidence: number }[] = hit ? [{ m: hit.match, confidence: 0.95 }] : [];
  const re = new RegExp(DATE_TIME, "g");
  for (const line of lines) for (const m of line.matchAll(re)) candidates.push({ m: m, confidence: m[4] ? 0.8 : 0.6 });
  for (const { m, confidence } of candidates) {
    const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    if (!validDate(y, mo, d)) continue;
    const date = { value: `${y}-${String(mo).padStart(2, "0")}-${String(d).padStart(2, "0")}`, confidence };
    const [h, mi, s] = [Number(m[4]), Number(m[5]), m[6] === undefined ? 0 : Number(m[6])];
    const time = m[4] !== undefined && h < 24 && mi < 60 && s < 60 ? { value: [h, mi, s].map((n) => String(n).padStart(2, "0")).join(":"), confidence } : null;
    return { date, time };
  }
  return { date: null, time: null };
}

/** OCR's usual confusions inside a number: O for 0, l and I for 1. Only for a token that is mostly digits. */
function cleanNumber(token: string): string {
  const compact = token.replace(/\s/g, "");
  const digits = compact.replace(/\D/g, "").length;
  return compact.length - digits <= Math.max(2, compact.length / 8) && /^\d/.test(compact) ? compact.replace(/[Oo]/g, "0").replace(/[lI|]/g, "1") : compact;
}

/** A number after its label; OCR may split a long one with single spaces ("964417 166006"), so digit groups that follow join it. */
const ID = "([A-Za-z0-9][A-Za-z0-9]{5,47}(?: \\d{3,})*)(?![\\dA-Za-z])";

function parseId(lines: string[], labels: string[]): ProofField<string> | null {
  const hit = labelled(lines, labels, ID);
  if (labels === TXN_LABELS && (!hit || hit.label === "凭证号")) {
    // A POS slip whose 参考号 label OCR garbled: the retrieval reference number is 12 digits (ISO 8583 field 37).
    const rrn = lines.map((line) => (/编号|终端|批次/.test(line) ? null : /(?<![\dA-Za-z])(\d{12})(?![\dA-Za-z])/.exec(line))).find((m) => m);
    if (rrn) return { value: rrn[1]!, confidence: 0.6 };
  }
  if (!hit) return null;
  const value = cleanNumber(hit.match[1]!);
  const known = /^42\d{26}$/.test(value) || /^\d{8}2200\d{20}$/.test(value);
  return { value, confidence: known ? 0.97 : 0.9 - labels.indexOf(hit.label) * 0.02 };
}

function parsePayee(lines: string[]): ProofField<string> | null {
  const hit = labelled(lines, PAYEE_LABELS, `([^:\\s][^:]{1,40}?)(?=\\s+\\S+:|$)`);
  return hit ? { value: hit.match[1]!.trim(), confidence: 0.8 } : null;
}

const MASKED = "((?:\\d{4}|\\d{6})?[\\s*x×]*[*x×]{3,}[\\s*x×]*(\\d{4}))(?!\\d)";

function parseAccountTail(lines: string[]): ProofField<string> | null {
  const hit = labelled(lines, ACCOUNT_LABELS, MASKED);
  if (hit) return { value: hit.match[2]!, confidence: 0.85 };
  // Label unreadable: a masked card number on a line that is not the payee's account.
  const m = lines.map((line) => (/收款/.test(line) ? null : new RegExp(MASKED).exec(line))).find((found) => found);
  return m ? { value: m[2]!, confidence: 0.6 } : null;
}

function parseReceiptNo(lines: string[], orderNo: ProofField<string> | null): ProofField<string> | null {
  if (orderNo && /^\d{16}$/.test(orderNo.value) && luhnValid(orderNo.value)) return { value: orderNo.value, confidence: 0.95 };
  const found: ProofField<string>[] = [];
  for (const line of lines) {
    const contextual = /缴费|缴款|用途|附言|备注|摘要|票据|receipt/i.test(line);
    for (const m of line.matchAll(/(?<![\dA-Za-z])(\d{16})(?![\dA-Za-z])/g)) {
      if (luhnValid(m[1]!)) found.push({ value: m[1]!, confidence: contextual ? 0.9 : 0.6 });
    }
  }
  return found.sort((a, b) => b.confidence - a.confidence)[0] ?? null;
}

export function parseProofFields(text: string): ProofFields {
  const lines = normaliseSlipText(text).split("\n");
  const { date, time } = parseDateTime(lines);
  const orderNo = parseId(lines, ORDER_LABELS);
  return {
    amount: parseAmount(lines),
    date,
    time,
    transactionId: parseId(lines, TXN_LABELS),
    orderNo,
    payee: parsePayee(lines),
    payerAccountTail: parseAccountTail(lines),
    receiptNo: parseReceiptNo(lines, orderNo),
  };
}
