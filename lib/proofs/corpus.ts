import { readFileSync } from "node:fs";
import fontkit from "@pdf-lib/fontkit";
import { PDFDocument, rgb } from "pdf-lib";
import sharp from "sharp";
import { withLuhnDigit } from "../receipt-number";

/**
 * Payment slips made for tests and the benchmark (no binary files in the
 * repository): WeChat- and Alipay-style payment screens, bank-app transfer
 * screens, bank 电子回单 PDFs with a text layer, and photos of paper POS slips
 * (rotated, blurred, low contrast, JPEG-compressed). Each carries the fields
 * a reader should find on it. Deterministic for a given seed.
 */

export const SLIP_KINDS = ["wechat", "alipay", "bank_app", "bank_pdf", "paper_photo"] as const;
export type SlipKind = (typeof SLIP_KINDS)[number];

/** What a reader should find on the slip (the same names as ProofFields; amount in fen). */
export type SlipTruth = {
  amountFen: number;
  date: string;
  time: string;
  transactionId: string;
  orderNo: string | null;
  receiptNo: string | null;
  payee: string;
  payerAccountTail: string | null;
};

export type Slip = { kind: SlipKind; name: string; truth: SlipTruth; contentType: "image/png" | "image/jpeg" | "application/pdf"; bytes: Buffer };

const PAYEES = ["北京市海淀区市场监督管理局", "上海市浦东新区人民法院", "广州市不动产登记中心", "深圳市南山区税务局", "杭州市西湖区教育局", "成都市公安局交通管理局"];
const AMOUNTS = [12050, 5000, 120000, 5000, 38800, 120000, 999, 2000000, 15075, 5000];

/** A small deterministic generator (mulberry32), so that a corpus is the same on every run. */
function random(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)),
    digits: (n: number) => Array.from({ length: n }, () => Math.floor(next() * 10)).join(""),
    pick: <T>(items: readonly T[]) => items[Math.floor(next() * items.length)]!,
  };
}

const yuan = (fen: number, grouped = false) => {
  const whole = Math.floor(fen / 100);
  const text = grouped ? whole.toLocaleString("en-US") : String(whole);
  return `${text}.${String(fen % 100).padStart(2, "0")}`;
};

function truthFor(kind: SlipKind, i: number, r: ReturnType<typeof random>): SlipTruth {
  const date = `2026-${String(r.int(9, 11)).padStart(2, "0")}-${String(r.int(1, 28)).padStart(2, "0")}`;
  const time = `${String(r.int(7, 22)).padStart(2, "0")}:${String(r.int(0, 59)).padStart(2, "0")}:${String(r.int(0, 59)).padStart(2, "0")}`;
  const receiptNo = withLuhnDigit(`1100${r.digits(11)}`);
  const compactDate = date.replaceAll("-", "");
  const amountFen = AMOUNTS[i % AMOUNTS.length]!;
  const payee = r.pick(PAYEES);
  switch (kind) {
    case "wechat":
      return { amountFen, date, time, transactionId: `42000${r.digits(5)}${compactDate}${r.digits(10)}`, orderNo: receiptNo, receiptNo, payee, payerAccountTail: null };
    case "alipay":
      return { amountFen, date, time, transactionId: `${compactDate}22001${r.digits(19)}`, orderNo: receiptNo, receiptNo, payee, payerAccountTail: null };
    case "bank_app":
      return { amountFen, date, time, transactionId: `${compactDate}${r.digits(12)}`, orderNo: null, receiptNo: r.next() < 0.5 ? receiptNo : null, payee, payerAccountTail: r.digits(4) };
    case "bank_pdf":
      return { amountFen, date, time, transactionId: `HQ${compactDate}${r.digits(10)}`, orderNo: null, receiptNo, payee, payerAccountTail: r.digits(4) };
    case "paper_photo":
      return { amountFen, date, time, transactionId: r.digits(12), orderNo: null, receiptNo: null, payee, payerAccountTail: r.digits(4) };
  }
}

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;");
const FONT = "Noto Sans CJK SC";

type Row = [label: string, value: string];

/** A phone screen: a header, a big amount, then label/value rows. */
function screenSvg(opts: { width: number; title: string; amount: string; status: string; rows: Row[]; accent: string; labelsLeft?: boolean }): string {
  const rowH = 64;
  const top = 430;
  const height = top + opts.rows.length * rowH + 120;
  const rows = opts.rows
    .map(([label, value], k) => {
      const y = top + k * rowH;
      return `<text x="40" y="${y}" font-size="28" fill="#888">${esc(label)}</text><text x="${opts.width - 40}" y="${y}" font-size="28" fill="#111" text-anchor="end">${esc(value)}</text>`;
    })
    .join("");
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${opts.width}" height="${height}" font-family="${FONT}">
<rect width="100%" height="100%" fill="#f7f7f7"/>
<rect width="100%" height="90" fill="${opts.accent}"/>
<text x="${opts.width / 2}" y="60" font-size="32" fill="#fff" text-anchor="middle">${esc(opts.title)}</text>
<text x="${opts.width / 2}" y="200" font-size="34" fill="#333" text-anchor="middle">${esc(opts.status)}</text>
<text x="${opts.width / 2}" y="300" font-size="72" font-weight="bold" fill="#111" text-anchor="middle">${esc(opts.amount)}</text>
<line x1="40" y1="360" x2="${opts.width - 40}" y2="360" stroke="#ddd" stroke-width="2"/>
${rows}
</svg>`;
}

/** A narrow thermal-paper POS slip (签购单), left-aligned lines. */
function paperSvg(lines: string[]): string {
  const width = 620;
  const height = 90 + lines.length * 52;
  const body = lines.map((line, k) => `<text x="36" y="${80 + k * 52}" font-size="30" fill="#222">${esc(line)}</text>`).join("");
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="${FONT}"><rect width="100%" height="100%" fill="#fbfaf4"/>${body}</svg>`;
}

/** A phone screenshot of the kind with the given fields (also used by the browser test of proof reading). */
export async function renderScreen(kind: "wechat" | "alipay" | "bank_app", t: SlipTruth): Promise<Buffer> {
  const [y, m, d] = t.date.split("-");
  let svg: string;
  if (kind === "wechat") {
    svg = screenSvg({
      width: 750,
      title: "账单详情",
      status: t.payee,
      amount: `-${yuan(t.amountFen)}`,
      accent: "#07c160",
      rows: [
        ["当前状态", "支付成功"],
        ["支付时间", `${y}年${m}月${d}日 ${t.time}`],
        ["商品", "政务缴费"],
        ["商户全称", t.payee],
        ["支付方式", "零钱"],
        ["交易单号", t.transactionId],
        ["商户单号", t.orderNo!],
      ],
    });
  } else if (kind === "alipay") {
    svg = screenSvg({
      width: 750,
      title: "账单详情",
      status: "交易成功",
      amount: `-${yuan(t.amountFen, true)}`,
      accent: "#1677ff",
      rows: [
        ["付款方式", "余额宝"],
        ["商品说明", "非税收入缴款"],
        ["收款方全称", t.payee],
        ["创建时间", `${t.date} ${t.time}`],
        ["订单号", t.transactionId],
        ["商家订单号", t.orderNo!],
      ],
    });
  } else {
    svg = screenSvg({
      width: 750,
      title: "转账详情",
      status: "转账成功",
      amount: `¥${yuan(t.amountFen, true)}`,
      accent: "#c7000b",
      rows: [
        ["收款户名", t.payee],
        ["收款账号", "1100 **** **** 0456"],
        ["付款账户", `6222 **** **** ${t.payerAccountTail}`],
        ["交易时间", `${t.date.replaceAll("-", "/")} ${t.time}`],
        ["交易流水号", t.transactionId],
        ["附言", t.receiptNo ? `缴费${t.receiptNo}` : "缴费"],
      ],
    });
  }
  return sharp(Buffer.from(svg)).png().toBuffer();
}

async function renderPaperPhoto(t: SlipTruth, r: ReturnType<typeof random>): Promise<Buffer> {
  const lines = [
    "    银联POS签购单  持卡人存根",
    `商户名称: ${t.payee}`,
    `商户编号: 1021100${r.digits(8)}`,
    `终端编号: ${r.digits(8)}`,
    `卡号: 6222 **** **** ${t.payerAccountTail}`,
    "交易类型: 消费 SALE",
    `批次号: 000${r.digits(3)}  凭证号: 00${r.digits(4)}`,
    `参考号: ${t.transactionId}`,
    `日期/时间: ${t.date.replaceAll("-", "/")} ${t.time}`,
    `金额: RMB ${yuan(t.amountFen)}`,
    "备注: 本人确认以上交易",
  ];
  const angle = (r.next() - 0.5) * 10;
  const blur = 0.6 + r.next() * 1.0;
  const contrast = 0.45 + r.next() * 0.35;
  const png = await sharp(Buffer.from(paperSvg(lines)))
    .resize({ width: 900 })
    .rotate(angle, { background: "#8a8578" })
    .blur(blur)
    .linear(contrast, 128 * (1 - contrast) + 10)
    .png()
    .toBuffer();
  return sharp(png).jpeg({ quality: 35 + r.int(0, 30) }).toBuffer();
}

let cjkFont: Buffer | undefined;
/** Noto Sans CJK SC out of the Debian collection (fonts-noto-cjk); pdf-lib embeds a subset. */
function cjkFontBytes(): Buffer {
  cjkFont ??= extractFromCollection(readFileSync("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"), 2);
  return cjkFont;
}

/** One face of a TrueType/OpenType collection as a standalone font file (tables copied, offsets rewritten). */
function extractFromCollection(ttc: Buffer, index: number): Buffer {
  const offset = ttc.readUInt32BE(12 + index * 4);
  const numTables = ttc.readUInt16BE(offset + 4);
  const headerSize = 12 + numTables * 16;
  const tables = Array.from({ length: numTables }, (_, k) => {
    const entry = offset + 12 + k * 16;
    return { entry, tableOffset: ttc.readUInt32BE(entry + 8), length: ttc.readUInt32BE(entry + 12) };
  });
  const header = Buffer.from(ttc.subarray(offset, offset + headerSize));
  const parts: Buffer[] = [header];
  let at = headerSize;
  tables.forEach((table, k) => {
    header.writeUInt32BE(at, 12 + k * 16 + 8);
    const data = ttc.subarray(table.tableOffset, table.tableOffset + table.length);
    const padded = Buffer.alloc(Math.ceil(table.length / 4) * 4);
    data.copy(padded);
    parts.push(padded);
    at += padded.length;
  });
  return Buffer.concat(parts);
}

const BANKS = ["中国工商银行", "中国建设银行", "中国农业银行", "招商银行"];

async function renderBankPdf(t: SlipTruth, r: ReturnType<typeof random>): Promise<Buffer> {
  const pdf = await PDFDocument.create();
  pdf.registerFontkit(fontkit);
  const font = await pdf.embedFont(cjkFontBytes(), { subset: true });
  const page = pdf.addPage([595, 340]);
  const write = (text: string, x: number, y: number, size = 11) => page.drawText(text, { x, y, size, font, color: rgb(0.1, 0.1, 0.1) });
  write(`${r.pick(BANKS)}  电子回单`, 200, 305, 16);
  write(`回单编号: ${r.digits(16)}`, 40, 275);
  write(`交易时间: ${t.date} ${t.time}`, 330, 275);
  write(`付款人户名: 张*明`, 40, 245);
  write(`付款人账号: 6222****${t.payerAccountTail}`, 330, 245);
  write(`收款人户名: ${t.payee}`, 40, 215);
  write(`收款人账号: 11001016${r.digits(12)}`, 330, 215);
  write(`金额(小写): ¥${yuan(t.amountFen, true)}`, 40, 185);
  write(`币种: 人民币`, 330, 185);
  write(`交易流水号: ${t.transactionId}`, 40, 155);
  write(`用途: 非税缴款 ${t.receiptNo}`, 40, 125);
  write(`本回单可通过网上银行验证真伪，重复打印无效。`, 40, 60, 9);
  return Buffer.from(await pdf.save());
}

/** `count` slips spread over the kinds in turn. */
export async function makeCorpus(count: number, seed = 20261130): Promise<Slip[]> {
  const r = random(seed);
  const slips: Slip[] = [];
  for (let i = 0; i < count; i++) {
    const kind = SLIP_KINDS[i % SLIP_KINDS.length]!;
    const truth = truthFor(kind, i, r);
    const name = `${kind}-${String(i).padStart(3, "0")}`;
    if (kind === "bank_pdf") slips.push({ kind, name, truth, contentType: "application/pdf", bytes: await renderBankPdf(truth, r) });
    else if (kind === "paper_photo") slips.push({ kind, name, truth, contentType: "image/jpeg", bytes: await renderPaperPhoto(truth, r) });
    else slips.push({ kind, name, truth, contentType: "image/png", bytes: await renderScreen(kind, truth) });
  }
  return slips;
}
