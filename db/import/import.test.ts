import * as XLSX from "@e965/xlsx";
import iconv from "iconv-lite";
import { describe, expect, it } from "vitest";
import { metrics } from "@/lib/metrics";
import { withLuhnDigit } from "@/lib/receipt-number";
import { parseReceiptsCsv, StatementFileError } from "@/lib/statements";
import { parseSettlementsCsv } from "@/lib/statements/settlements-csv";
import { findProfile } from "@/lib/statements/profiles";
import { collect } from "@/lib/statements/testing";
import { bytesOf } from "@/lib/statements/decode";
import { RECEIPT_COLUMNS } from "@/lib/statements/receipts-csv";
import { databaseKind, setupTestDatabase } from "../testing/test-db";
import { importReceiptsFile } from "./receipts";
import { importSettlementFile } from "./settlements";
import type { FileSource } from "./source";
import { queryRows } from "../client";
import { COPY_LANE_FROM_BYTES } from "./stage";
import { matchSettlements } from "./matching";
import { publicStatus } from "../queries/status";
import { sql } from "drizzle-orm";

const { handle } = setupTestDatabase();
const TZ = "Asia/Shanghai";
const NOW = new Date("2026-11-20T10:00:00+08:00");

let serial = 0;
/** A fresh valid receipt number per call, so tests never collide. */
const receiptNo = () => withLuhnDigit(`2026120${String(process.pid % 1000).padStart(3, "0")}${String(++serial).padStart(5, "0")}`);
const ref = (tag: string) => `${tag}-${serial}-${Math.random().toString(36).slice(2, 8)}`;

const file = (content: string | Uint8Array, name = "test.csv"): FileSource => ({ name, open: () => bytesOf(content, 1024) });

type ReceiptRow = { no: string; due: string; paid?: string; channel?: string; paidAt?: string; bankRef?: string; status?: string; service?: string };
const receiptsCsv = (rows: ReceiptRow[]) =>
  [
    RECEIPT_COLUMNS.join(","),
    ...rows.map((r) =>
      [r.no, r.service ?? "hukou", "张三", "13800001111", r.due, r.paid ?? r.due, r.channel ?? "wechat", r.paidAt ?? "2026-11-03T10:15:00+08:00", r.bankRef ?? "", r.status ?? "paid"]
        .map((cell) => `"${cell}"`)
        .join(","),
    ),
  ].join("\n") + "\n";

type LineRow = { ref?: string; amount: string; date: string; channel?: string; account?: string; text?: string };
const settlementsCsv = (rows: LineRow[]) =>
  ["bank_ref,amount,value_date,channel,payer_account,remittance", ...rows.map((l) => [l.ref ?? "", l.amount, l.date, l.channel ?? "wechat", l.account ?? "", l.text ?? ""].join(","))].join("\r\n") + "\r\n";

const importReceipts = (rows: ReceiptRow[]) => importReceiptsFile(file(receiptsCsv(rows)), { timeZone: TZ });
const importLines = (rows: LineRow[]) => importSettlementFile(file(settlementsCsv(rows)), { format: "csv", timeZone: TZ });
const statusOf = async (no: string) => (await publicStatus(no, { now: NOW, timeZone: TZ }))?.status;

/** Everything an import may touch, as one comparable value. */
async function snapshot() {
  const d = handle().db;
  const digest = (table: string) =>
    queryRows<{ n: number; h: string | null }>(
      d,
      sql`select count(*)::int as n, md5(string_agg(t::text, '|' order by t::text)) as h from ${sql.identifier(table)} t`,
    );
  return Promise.all(["receipts", "settlement_batches", "settlement_lines", "matches"].map(digest));
}

describe(`imports and matching on ${databaseKind()}`, () => {
  it("imports receipts, upserts a newer billing status, ignores an older one, and a re-import changes nothing", async () => {
    const a = receiptNo();
    const b = receiptNo();
    const first = await importReceipts([{ no: a, due: "25.00", status: "sent_to_bank" }, { no: b, due: "1,234.50", paid: "", paidAt: "", status: "unpaid" }]);
    expect(first).toMatchObject({ read: 2, inserted: 2, updated: 0, duplicates: 0, rejectedCount: 0 });

    const before = await snapshot();
    expect(await importReceipts([{ no: a, due: "25.00", status: "sent_to_bank" }, { no: b, due: "1,234.50", paid: "", paidAt: "", status: "unpaid" }])).toMatchObject({
      inserted: 0,
      updated: 0,
      duplicates: 2,
    });
    expect(await snapshot()).toEqual(before);

    expect(await importReceipts([{ no: a, due: "25.00", status: "paid" }])).toMatchObject({ inserted: 0, updated: 1 });
    expect(await importReceipts([{ no: a, due: "25.00", status: "unpaid", paid: "", paidAt: "" }])).toMatchObject({ updated: 0, stale: 1 });
    const [row] = await queryRows<{ billing_status: string }>(handle().db, sql`select billing_status from receipts where receipt_no = ${a}`);
    expect(row?.billing_status).toBe("paid");
  });

  it("takes the last line of a receipt a file lists twice, whether the receipt is new or stored", async () => {
    const [stored, fresh, other] = [receiptNo(), receiptNo(), receiptNo()];
    await importReceipts([{ no: stored, due: "25.00", status: "unpaid", paid: "", paidAt: "" }]);
    const summary = await importReceipts([
      { no: fresh, due: "30.00", status: "unpaid", paid: "", paidAt: "" },
      { no: stored, due: "25.00", status: "sent_to_bank" },
      { no: other, due: "40.00" },
      { no: fresh, due: "35.00", status: "paid" },
      { no: stored, due: "26.00", status: "paid" },
    ]);
    expect(summary).toMatchObject({ read: 5, inserted: 2, updated: 1, duplicates: 2, stale: 0 });
    const rows = await queryRows<{ receipt_no: string; due: number; status: string }>(
      handle().db,
      sql`select receipt_no, amount_due_fen::int as due, billing_status::text as status from receipts where receipt_no in (${stored}, ${fresh}, ${other}) order by receipt_no`,
    );
    expect(rows).toEqual([
      { receipt_no: stored, due: 2600, status: "paid" },
      { receipt_no: fresh, due: 3500, status: "paid" },
      { receipt_no: other, due: 4000, status: "paid" },
    ]);
  });

  it("reports rejected receipt lines with their line numbers and imports the rest", async () => {
    const a = receiptNo();
    const csv = receiptsCsv([{ no: a, due: "25.00" }, { no: "1234", due: "25.00" }, { no: receiptNo(), due: "1,2,3" }]);
    const summary = await importReceiptsFile(file(csv), { timeZone: TZ });
    expect(summary).toMatchObject({ read: 3, inserted: 1, rejectedCount: 2 });
    expect(summary.rejected).toEqual([
      { line: 3, reason: expect.stringContaining("not a valid receipt number") as string },
      { line: 4, reason: 'amount_due "1,2,3" is not an amount in yuan' },
    ]);
  });

  it("matches by bank reference, by receipt number in the remittance, and by amount and date", async () => {
    const [byRef, byText, byAmount] = [receiptNo(), receiptNo(), receiptNo()];
    const bankRef = ref("WX");
    await importReceipts([
      { no: byRef, due: "25.00", bankRef },
      { no: byText, due: "380.00", channel: "counter" },
      { no: byAmount, due: "123.45", channel: "alipay", paidAt: "2026-11-03T23:30:00+08:00" },
    ]);
    const summary = await importLines([
      { ref: bankRef, amount: "25.00", date: "2026-11-04", account: "6222021234567890123" },
      { ref: ref("X"), amount: "380.00", date: "2026-11-04", channel: "counter", text: `"缴费 ${byText.slice(0, 4)}-${byText.slice(4, 8)}-${byText.slice(8, 12)}-${byText.slice(12)}"` },
      { amount: "123.45", date: "2026-11-05", channel: "alipay" },
      { amount: "9999.99", date: "2026-11-05", channel: "alipay" },
    ]);
    expect(summary).toMatchObject({ read: 4, inserted: 4, duplicates: 0, exceptions: 1 });
    expect(summary.matching).toMatchObject({ reference: 1, remittance: 1, amountDate: 1, posted: 3 });
    for (const no of [byRef, byText, byAmount]) expect((await statusOf(no))?.code).toBe("posted");

    const [stored] = await queryRows<{ payer_account: string }>(handle().db, sql`select payer_account from settlement_lines where bank_ref = ${bankRef}`);
    expect(stored?.payer_account).toBe("6222***********0123");
    const methods = await queryRows<{ method: string }>(
      handle().db,
      sql`select m.method::text as method from matches m join receipts r on r.id = m.receipt_id where r.receipt_no in (${byRef}, ${byText}, ${byAmount}) order by r.receipt_no`,
    );
    expect(methods.map((m) => m.method).sort()).toEqual(["amount_date", "reference", "remittance"]);
  });

  it("leaves ambiguous amount-and-date candidates as exceptions", async () => {
    const [a, b] = [receiptNo(), receiptNo()];
    await importReceipts([
      { no: a, due: "77.70", channel: "pos" },
      { no: b, due: "77.70", channel: "pos" },
    ]);
    const summary = await importLines([{ amount: "77.70", date: "2026-11-04", channel: "pos" }]);
    expect(summary.matching?.amountDate).toBe(0);
    expect(summary.exceptions).toBe(1);
    expect((await statusOf(a))?.code).toBe("overdue");
  });

  it("shows a second payment as a duplicate and a short payment as an amount mismatch", async () => {
    const [dup, short] = [receiptNo(), receiptNo()];
    const dupRef = ref("DUP");
    await importReceipts([
      { no: dup, due: "25.00", bankRef: dupRef },
      { no: short, due: "25.00", channel: "counter" },
    ]);
    await importLines([{ ref: dupRef, amount: "25.00", date: "2026-11-04" }]);
    expect((await statusOf(dup))?.code).toBe("posted");
    // A later statement carries the payment again (paid twice), and a short payment quoting the receipt number.
    const later = await importLines([
      { ref: dupRef, amount: "25.00", date: "2026-11-05", account: "6222000011112222" },
      { amount: "20.00", date: "2026-11-04", channel: "counter", text: `RCPT${short}` },
    ]);
    expect(later.matching).toMatchObject({ reference: 1, remittance: 1, posted: 0 });
    expect(await statusOf(dup)).toMatchObject({ code: "duplicate", settlementCount: 2 });
    expect(await statusOf(short)).toMatchObject({ code: "amount_mismatch", dueFen: 2500, settledFen: 2000 });
  });

  it("imports a file twice as a no-op, and overlapping statements without duplicating lines", async () => {
    const d = "2026-10-20";
    const lines = [1, 2, 3, 4].map((i) => ({ ref: ref(`OV${i}`), amount: `${i}.00`, date: d }));
    const twin = { amount: "5.00", date: d, text: "no reference" };
    const first = await importLines([lines[0]!, lines[1]!, lines[2]!, twin, twin]);
    expect(first).toMatchObject({ inserted: 5, duplicates: 0 });

    const before = await snapshot();
    const again = await importLines([lines[0]!, lines[1]!, lines[2]!, twin, twin]);
    expect(again.alreadyImported).toBe(true);
    expect(await snapshot()).toEqual(before);

    // Overlaps lines 2–3 and one of the twins; line 4 and a third identical payment are new.
    const overlap = await importLines([lines[1]!, lines[2]!, lines[3]!, twin, twin, twin]);
    expect(overlap).toMatchObject({ alreadyImported: false, read: 6, inserted: 2, duplicates: 4 });
    const [{ n }] = (await queryRows<{ n: number }>(handle().db, sql`select count(*)::int as n from settlement_lines where value_date = ${d}`)) as [{ n: number }];
    expect(n).toBe(7);
  });

  it("recognises a statement's layout when no format is given: channel bills, bank .xls, camt.053; an unknown header changes nothing", async () => {
    const [wx, ccb, camtNo] = [receiptNo(), receiptNo(), receiptNo()];
    await importReceipts([{ no: wx, due: "25.00" }, { no: ccb, due: "1,234.50", channel: "online_bank" }, { no: camtNo, due: "30.00", channel: "online_bank" }]);

    const cells = (...c: string[]) => c.map((v) => `\`${v}`).join(",");
    const bill = [
      "交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注",
      cells("2026-11-04 10:00:00", "wx1", "1900000109", "0", "", ref("4200"), wx, "o1", "JSAPI", "SUCCESS", "CMB_DEBIT", "CNY", "25.00", "0.00", "0", "0", "0.00", "0.00", "", "", "户政缴费", "", "0.15", "0.60%", "25.00", "0.00", ""),
      "总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额",
      cells("1", "25.00", "0.00", "0.00", "0.15", "25.00", "0.00"),
    ].join("\r\n");
    expect(await importSettlementFile(file(bill, "bill.csv"), { timeZone: TZ })).toMatchObject({ format: "csv", profile: "wechat-merchant", read: 1, inserted: 1, matching: { remittance: 1 } });
    expect((await statusOf(wx))?.code).toBe("posted");

    const sheet = XLSX.utils.aoa_to_sheet([
      ["中国建设银行个人活期账户全部交易明细"],
      ["序号", "摘要", "币别", "钞汇", "交易日期", "交易金额", "账户余额", "交易地点/附言", "对方账号与户名"],
      [1, "转账存入", "人民币元", "钞", "20261104", 1234.5, 5234.5, `缴费 ${ccb}`, "6222****0123/张三"],
      [2, "消费", "人民币元", "钞", "20261104", -12.5, 5222, "超市", ""],
    ]);
    const book = XLSX.utils.book_new();
    XLSX.utils.book_append_sheet(book, sheet, "明细");
    const xls = XLSX.write(book, { type: "buffer", bookType: "biff8" }) as Buffer;
    expect(await importSettlementFile(file(xls, "ccb.xls"), { timeZone: TZ })).toMatchObject({ format: "csv", profile: "ccb", read: 2, inserted: 1, skipped: 1, matching: { remittance: 1 } });
    expect((await statusOf(ccb))?.code).toBe("posted");

    const camt = `<?xml version="1.0"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt><Stmt><Ntry><Amt Ccy="CNY">30.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><ValDt><Dt>2026-11-04</Dt></ValDt>
      <NtryDtls><TxDtls><RmtInf><Strd><RfrdDocInf><Nb>${camtNo}</Nb></RfrdDocInf></Strd></RmtInf></TxDtls></NtryDtls></Ntry></Stmt></BkToCstmrStmt></Document>`;
    expect(await importSettlementFile(file(camt, "statement.dat"), { timeZone: TZ })).toMatchObject({ format: "camt053", profile: "default", inserted: 1 });
    expect((await statusOf(camtNo))?.code).toBe("posted");

    const before = await snapshot();
    const unknown = "交易日期,摘要,交易场所,交易国家或地区简称,钞/汇,交易金额(收入),交易金额(支出),交易币种,余额,对方户名\n2026-11-04,转账,网银,CHN,钞,1.00,,人民币,1.00,张三\n";
    await expect(importSettlementFile(file(unknown, "icbc.csv"), { timeZone: TZ })).rejects.toThrow('the nearest is "icbc", which lacks "记账金额(收入)", "记账金额(支出)", "记账币种"');
    expect(await snapshot()).toEqual(before);
  });

  it("reads GBK bank exports, camt.053 and MT940 through the same import", async () => {
    const no = receiptNo();
    await importReceipts([{ no, due: "1,234.50", channel: "online_bank" }]);
    const gbk = iconv.encode(`交易流水号,交易金额,交易日期,对方账号,摘要\r\n${ref("HX")},"1,234.50",2026/11/04,6222021234567890123,缴费${no}\r\n`, "gbk");
    const summary = await importSettlementFile(file(gbk, "icbc.csv"), { format: "csv", profile: "cn-bank", timeZone: TZ });
    expect(summary.matching).toMatchObject({ remittance: 1 });
    expect((await statusOf(no))?.code).toBe("posted");

    const camtNo = receiptNo();
    await importReceipts([{ no: camtNo, due: "30.00", channel: "online_bank" }]);
    const camt = `<?xml version="1.0"?><Document><BkToCstmrStmt><Stmt><Ntry><Amt Ccy="CNY">30.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><ValDt><Dt>2026-11-04</Dt></ValDt>
      <NtryDtls><TxDtls><RmtInf><Ustrd>${camtNo}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>
      <Ntry><Amt Ccy="CNY">30.00</Amt><CdtDbtInd>DBIT</CdtDbtInd><ValDt><Dt>2026-11-04</Dt></ValDt></Ntry></Stmt></BkToCstmrStmt></Document>`;
    expect(await importSettlementFile(file(camt, "s.xml"), { format: "camt053", timeZone: TZ })).toMatchObject({ read: 2, inserted: 1, skipped: 1, skippedReasons: { debit: 1 } });
    expect((await statusOf(camtNo))?.code).toBe("posted");

    const mtNo = receiptNo();
    await importReceipts([{ no: mtNo, due: "45.00", channel: "online_bank" }]);
    const mt = [":20:S1", ":25:1", ":28C:1/1", ":60F:C261103CNY0,00", `:61:2611041104C45,00NTRFNONREF//${ref("B")}`, `:86:${mtNo}`, ":62F:C261104CNY45,00", "-}", ""].join("\n");
    expect(await importSettlementFile(file(mt, "s.sta"), { format: "mt940", timeZone: TZ })).toMatchObject({ inserted: 1 });
    expect((await statusOf(mtNo))?.code).toBe("posted");
  });

  it("stores what the parser reads, line for line, whether SQL or the parser's rules checked the line", async () => {
    const phases: string[] = [];
    const onPhase = (phase: string) => phases.push(phase);
    const [a, b, c] = [receiptNo(), receiptNo(), receiptNo()];
    const receipts = [
      RECEIPT_COLUMNS.join(","),
      `${a},hukou,张三,13800001111,25.00,25.00,wechat,2026-11-03T10:15:00+08:00,${ref("P")},paid`,
      `${b},tax,Jane  Smith ,,"1,234.50",,counter,2026-11-03 10:15+0800,,sent_to_bank`,
      `${c.slice(0, 4)}-${c.slice(4, 8)} ${c.slice(8)},other,李四,,0,0.5,pos,2026-11-03T02:15:00Z,,paid`,
      `${a.slice(0, 15)}${(Number(a.at(-1)) + 1) % 10},hukou,王五,,25.00,,wechat,,,unpaid`,
      `${receiptNo()},hukou,王五,,2.345,,wechat,,,unpaid`,
      `${receiptNo()},parking,王五,,25.00,,wechat,,,unpaid`,
      `${receiptNo()},hukou,王五,,25.00,,wechat,2026-02-30T10:00:00+08:00,,paid`,
      // Plain rows enough to make the file large enough for the COPY lane.
      ...Array.from({ length: 1500 }, () => `${receiptNo()},hukou,赵六,,0.07,,wechat,,,unpaid`),
    ].join("\r\n");
    const expected = await collect(parseReceiptsCsv(bytesOf(receipts), { services: new Set(["hukou", "tax", "other"]), channels: new Set(["wechat", "counter", "pos"]) }));
    const summary = await importReceiptsFile(file(receipts), { timeZone: TZ }, { onPhase });
    expect(Buffer.byteLength(receipts)).toBeGreaterThan(COPY_LANE_FROM_BYTES);
    expect(summary).toMatchObject({ read: 1507, inserted: 1503, rejectedCount: 4 });
    expect(summary.rejected).toEqual(expected.rejected);
    const stored = await queryRows<Record<string, unknown>>(
      handle().db,
      sql`select receipt_no, service, payer_name, payer_phone, amount_due_fen::int, amount_paid_fen::int, channel, paid_at, bank_ref, billing_status::text
          from receipts where receipt_no in (${a}, ${b}, ${c}) order by receipt_no`,
    );
    expect(stored.map((r) => ({ ...r, paid_at: r.paid_at === null ? null : new Date(r.paid_at as string).toISOString() }))).toEqual(
      expected.records
        .filter((r) => [a, b, c].includes(r.receiptNo))
        .sort((x, y) => x.receiptNo.localeCompare(y.receiptNo))
        .map((r) => ({
          receipt_no: r.receiptNo,
          service: r.service,
          payer_name: r.payerName,
          payer_phone: r.payerPhone,
          amount_due_fen: r.amountDueFen,
          amount_paid_fen: r.amountPaidFen,
          channel: r.channel,
          paid_at: r.paidAt?.toISOString() ?? null,
          bank_ref: r.bankRef,
          billing_status: r.billingStatus,
        })),
    );

    const tag = ref("EQ");
    const lines = [
      "bank_ref,amount,value_date,channel,payer_account,remittance",
      `${tag}-1,25.00,2026-11-04,wechat,6222021234567890123,缴费 ${a}`,
      `${tag}-2,7,2026-11-04,,123456,`,
      `,0.5,2026-11-04,pos,1234,${tag} plain`,
      `" ${tag}-3 ","1,234.50",2026-11-04,wechat,6222-0212-3456-7890,"a  b\tc"`,
      `${tag}-4,25.000,2026-1-4,wechat,,`,
      `${tag}-5,+3.00,2026-11-04,wechat,,"${tag} quoted, with comma"`,
      `${tag}-6,1.2.3,2026-11-04,wechat,,`,
      `${tag}-7,0.00,2026-11-04,wechat,,`,
      `${tag}-8,-5.00,2026-11-04,wechat,,`,
      `${tag}-9,5.00,2026-02-30,wechat,,`,
      `${tag}-10,5.00,2026-11-04,bitcoin,,`,
      // Calendar edges, checked by integer arithmetic in SQL: leap days, century years, 30-day months.
      `${tag}-11,5.00,2024-02-29,wechat,,`,
      `${tag}-12,5.00,2000-02-29,wechat,,`,
      `${tag}-13,5.00,2026-12-31,wechat,,`,
      `${tag}-14,5.00,1900-02-29,wechat,,`,
      `${tag}-15,5.00,2026-04-31,wechat,,`,
      `${tag}-16,5.00,2026-02-29,wechat,,`,
      ...Array.from({ length: 2000 }, (_, i) => `${tag}-p${i},0.07,2026-06-15,wechat,,`),
      "",
    ].join("\n");
    const expectedLines = await collect(parseSettlementsCsv(bytesOf(lines), { channels: new Set(["wechat", "pos"]) }));
    const imported = await importSettlementFile(file(lines), { format: "csv", timeZone: TZ }, { onPhase });
    expect(Buffer.byteLength(lines)).toBeGreaterThan(COPY_LANE_FROM_BYTES);
    expect(imported).toMatchObject({ read: 2017, inserted: 2009, skipped: 1, rejectedCount: 7 });
    expect(imported.rejected).toEqual(expectedLines.rejected);
    const storedLines = await queryRows<Record<string, unknown>>(
      handle().db,
      sql`select bank_ref, amount_fen::int, value_date::text, channel, payer_account, remittance from settlement_lines
          where batch_id = (select id from settlement_batches where file_hash = ${imported.fileHash}) order by amount_fen, bank_ref`,
    );
    expect(storedLines).toEqual(
      expectedLines.records
        .sort((x, y) => x.amountFen - y.amountFen || (x.bankRef ?? "").localeCompare(y.bankRef ?? ""))
        .map((l) => ({ bank_ref: l.bankRef, amount_fen: l.amountFen, value_date: l.valueDate, channel: l.channel, payer_account: l.payerAccount, remittance: l.remittance })),
    );
    // On PostgreSQL the plain lines went through COPY and SQL; on the embedded store everything through the parser.
    expect(phases.filter((p) => p === "copy file to staging")).toHaveLength(databaseKind() === "postgres" ? 2 : 0);
  });

  it("reads odd lines as the parser does whether they are read as the file streams or from the table afterwards, and names the first refusals in line order", async () => {
    const tag = ref("OD");
    const lines = [
      "bank_ref,amount,value_date,channel,payer_account,remittance",
      `${tag}-plain,25.00,2026-11-04,wechat,,`,
      // a quote inside a quoted cell: only PostgreSQL's reader splits the line, so it is read from the table
      `${tag}-escaped,1.2.3,2026-11-04,wechat,,"say ""hi"""`,
      `${tag}-escaped-ok,5.00,2026-11-04,wechat,,"say ""hi"""`,
      `${tag}-bad,abc,2026-11-04,wechat,,`,
      // more odd lines than are read as the file streams (an unpadded date is the parser's to read; 2 MB of them staged)
      ...Array.from({ length: 10_050 }, (_, i) => `${tag}-u${i},0.07,2026-11-4,wechat,,${"户籍缴费".repeat(20)} ${i}`),
      `${tag}-last-bad,0.07,2026-13-04,wechat,,`,
      "",
    ].join("\n");
    const expected = await collect(parseSettlementsCsv(bytesOf(lines), { channels: new Set(["wechat"]) }));
    const phases: string[] = [];
    const imported = await importSettlementFile(file(lines, "odd.csv"), { format: "csv", timeZone: TZ }, { onPhase: (p) => phases.push(p) });
    expect(expected.rejected.map((r) => r.line)).toEqual([3, 5, 10_056]);
    expect(imported).toMatchObject({ read: 10_055, inserted: expected.records.length, rejectedCount: 3, rejected: expected.rejected });
    const [stored] = await queryRows<{ n: number; escaped: string }>(
      handle().db,
      sql`select count(*)::int as n, max(remittance) filter (where bank_ref = ${`${tag}-escaped-ok`}) as escaped from settlement_lines
          where batch_id = (select id from settlement_batches where file_hash = ${imported.fileHash})`,
    );
    expect(stored).toEqual({ n: 10_052, escaped: 'say "hi"' });
    expect(phases.includes("copy file to staging")).toBe(databaseKind() === "postgres");
  });

  it.each([
    ["UTF-8, default profile", "default"],
    ["GBK, bank profile", "cn-bank"],
  ] as const)("stores masked accounts, Chinese text and odd lines identically in either lane (%s), and names each refusal's true line", async (_name, profile) => {
    const tag = ref("MK");
    const gbk = profile === "cn-bank";
    type Cells = { ref: string; amount: string; date: string; account: string; text: string };
    const row = (c: Cells) =>
      (gbk ? ["7", c.ref, c.date.replaceAll("-", "/"), c.amount, c.account, "张伟", c.text] : [c.ref, c.amount, c.date, "online_bank", c.account, c.text]).map((v) => (/[",]/.test(v) ? `"${v}"` : v)).join(",");
    const accounts = ["6222********1234", "6217 **** **** 5678", "6222021234567890123", "****1234", "", "6222-0212-3456-7890"];
    const odd: Cells[] = [
      { ref: `${tag}-amount-separators`, amount: "1,234.50", date: "2026-11-04", account: "6222********0001", text: "户籍缴费 王芳" },
      { ref: `${tag}-full-width-amount`, amount: "２５.００", date: "2026-11-04", account: "6222********0002", text: "医保缴费" },
      { ref: ` ${tag}-padded `, amount: "25.00", date: "2026-11-04", account: "6222********0003", text: "缴费" },
      { ref: `${tag}-unpadded-date`, amount: "25.00", date: "2026-11-4", account: "6222********0004", text: "缴费" },
      { ref: `${tag}-full-width-account`, amount: "25.00", date: "2026-11-04", account: "６２２２********0005", text: "缴费" },
      { ref: `${tag}-double-space`, amount: "25.00", date: "2026-11-04", account: "", text: "户籍  缴费\t张伟" },
      { ref: `${tag}-bad-separators`, amount: "12,34.50", date: "2026-11-04", account: "", text: "" },
      { ref: `${tag}-bad-date`, amount: "25.00", date: "2026-02-30", account: "", text: "" },
    ];
    const plain = Array.from({ length: 1500 }, (_, i): Cells => ({
      ref: `${tag}-p${i}`,
      amount: ["25.00", "30.00", "120.50", "1,200.00"][i % 4]!,
      date: "2026-11-04",
      account: accounts[i % accounts.length]!,
      text: i % 3 === 0 ? "" : `户籍缴费 ${["张伟", "欧阳晓明"][i % 2]}`,
    }));
    const body = [...plain.slice(0, 700), ...odd.slice(0, 4), ...plain.slice(700), ...odd.slice(4)];
    const header = gbk ? "序号,交易流水号,交易日期,交易金额,对方账号,对方户名,摘要" : "bank_ref,amount,value_date,channel,payer_account,remittance";
    const text = `${[header, ...body.map(row)].join("\r\n")}\r\n`;
    const content = gbk ? iconv.encode(text, "gbk") : Buffer.from(text);
    expect(content.length).toBeGreaterThan(COPY_LANE_FROM_BYTES);

    const phases: string[] = [];
    const expected = await collect(parseSettlementsCsv(bytesOf(content), { profile: findProfile("csv", profile)!, channels: new Set(["online_bank"]) }));
    const imported = await importSettlementFile(file(content), { format: "csv", profile, timeZone: TZ }, { onPhase: (p) => phases.push(p) });
    expect(expected.rejected.map((r) => r.line)).toEqual([body.length, body.length + 1]);
    expect(imported).toMatchObject({ read: body.length, inserted: body.length - 2, rejectedCount: 2, rejected: expected.rejected });
    const stored = await queryRows<Record<string, unknown>>(
      handle().db,
      sql`select bank_ref, amount_fen::int, value_date::text, channel, payer_account, remittance from settlement_lines
          where batch_id = (select id from settlement_batches where file_hash = ${imported.fileHash}) order by bank_ref`,
    );
    expect(stored).toEqual(
      expected.records
        .sort((x, y) => (x.bankRef! < y.bankRef! ? -1 : 1))
        .map((l) => ({ bank_ref: l.bankRef, amount_fen: l.amountFen, value_date: l.valueDate, channel: l.channel, payer_account: l.payerAccount, remittance: l.remittance })),
    );
    expect(stored.filter((r) => r.payer_account === "6217********5678")).toHaveLength(250);
    // On PostgreSQL the file went through COPY (GBK decoded to UTF-8 on the way); on the embedded store through the parser.
    expect(phases.includes("copy file to staging")).toBe(databaseKind() === "postgres");
  });

  it("refuses a large file whose every line is bad with the parser's reason and line, in either lane", async () => {
    const rows = Array.from({ length: 1500 }, (_, i) => `${receiptNo()},${["parking", "hukou"][i % 2]},张三,,${i % 2 ? "1.2.3" : "25.00"},,wechat,,,paid`);
    const content = `\ufeff${RECEIPT_COLUMNS.join(",")}\n${rows.join("\n")}\n`;
    expect(Buffer.byteLength(content)).toBeGreaterThan(COPY_LANE_FROM_BYTES);
    const expected = await collect(parseReceiptsCsv(bytesOf(content), { services: new Set(["hukou"]), channels: new Set(["wechat"]) }));
    expect(expected.records).toHaveLength(0);
    const before = await snapshot();
    await expect(importReceiptsFile(file(content), { timeZone: TZ })).rejects.toThrow(
      `no line of the file could be read (line ${expected.rejected[0]!.line}: ${expected.rejected[0]!.reason})`,
    );
    expect(await snapshot()).toEqual(before);
  });

  // COPY must never be sent a file it refuses: postgres.js loses an error that arrives after the last byte, and the
  // import would wait forever. Each of these is large enough for the COPY lane and must be read by the parser instead.
  it.each([
    ["a blank line in the middle", (rows: string[]) => [...rows.slice(0, 900), "", ...rows.slice(900)].join("\n")],
    ["trailing blank lines", (rows: string[]) => `${rows.join("\n")}\n\n\n`],
    ["a short line at the very end", (rows: string[]) => `${rows.join("\n")}\nLAST,1.00`],
    ["a long line near the end", (rows: string[]) => `${rows.join("\n")}\nLAST,1.00,2026-11-04,wechat,,a,b\n`],
    ["mixed line endings", (rows: string[]) => `${rows.slice(0, 1000).join("\r\n")}\r\n${rows.slice(1000).join("\n")}\n`],
    ["a bare carriage return", (rows: string[]) => `${rows.join("\n")}\nLAST,1.00,2026-11-04,wechat,,a\rb\n`],
    ["a quoted cell spanning lines in the middle", (rows: string[]) => [...rows.slice(0, 900), `SPAN,1.00,2026-11-04,wechat,,"缴费\n第二行"`, ...rows.slice(900)].join("\n")],
    ["a quoted cell spanning CRLF lines", (rows: string[]) => `${rows.join("\r\n")}\r\nSPAN,1.00,2026-11-04,wechat,,"缴费\r\n第二行"\r\n`],
    ["a quote left open at the end", (rows: string[]) => `${rows.join("\n")}\nLAST,1.00,2026-11-04,wechat,,"open\n`],
    ["a line that is COPY's end-of-data mark", (rows: string[]) => [...rows.slice(0, 900), "\\.", ...rows.slice(900)].join("\n")],
    ["a quoted comma that makes a line long", (rows: string[]) => [...rows.slice(0, 900), `Q,1.00,2026-11-04,wechat,,a","b`, ...rows.slice(900)].join("\n")],
    ["bytes that are not UTF-8 near the end", (rows: string[]) => Buffer.concat([Buffer.from(`${rows.join("\n")}\nLAST,1.00,2026-11-04,wechat,,`), Buffer.from([0xff, 0xfe, 0x0a])])],
    [
      "GBK whose bytes go bad near the end",
      (rows: string[]) =>
        Buffer.concat([iconv.encode(`${rows[0]}\n${rows[1]}缴费\n${rows.slice(2).join("\n")}\nLAST,1.00,2026-11-04,wechat,,`, "gbk"), Buffer.from([0x81, 0x7f, 0x0a])]),
    ],
  ] as const)("reads %s as the parser does, and never hangs", async (_name, build) => {
    const tag = ref("SH");
    const rows = ["bank_ref,amount,value_date,channel,payer_account,remittance", ...Array.from({ length: 2000 }, (_, i) => `${tag}-${i},0.07,2026-06-15,wechat,,`)];
    const content = build(rows);
    expect(Buffer.byteLength(content)).toBeGreaterThan(COPY_LANE_FROM_BYTES);
    const byParser = await collect(parseSettlementsCsv(file(content).open(), { channels: new Set(["wechat"]) })).then(
      (parsed) => ({ read: parsed.records.length + parsed.rejected.length, rejected: parsed.rejected }),
      (error: unknown) => (error instanceof StatementFileError ? error.message : error),
    );
    const imported = await importSettlementFile(file(content), { format: "csv", timeZone: TZ }).then(
      (summary) => ({ read: summary.read, rejected: summary.rejected }),
      (error: unknown) => (error instanceof StatementFileError ? error.message : error),
    );
    expect(imported).toEqual(byParser);
  });

  const header = "bank_ref,amount,value_date,channel,payer_account,remittance\n";
  it.each([
    ["an empty file", "", "csv", "empty"],
    ["a header-only file", header, "csv", "no data lines"],
    ["unknown columns", "bank_ref,amount,value_date,fee\nA,1.00,2026-11-04,0.1\n", "csv", "unknown column"],
    ["a wrong encoding", iconv.encode(`${header}A,1.00,2026-11-04,wechat,,缴费\n`, "utf-16le"), "csv", "wrong encoding"],
    ["truncated XML", '<?xml version="1.0"?><Document><BkToCstmrStmt><Stmt><Ntry><Amt Ccy="CNY">1.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>', "camt053", "truncated"],
    ["a file where every line is bad", `${header}A,"1,2,3",2026-11-04,wechat,,\n`, "csv", "no line of the file could be read"],
  ] as const)("refuses %s and changes nothing", async (_name, content, format, message) => {
    const before = await snapshot();
    const attempt = importSettlementFile(file(content), { format, timeZone: TZ });
    await expect(attempt).rejects.toThrow(StatementFileError);
    await expect(importSettlementFile(file(content), { format, timeZone: TZ })).rejects.toThrow(message);
    expect(await snapshot()).toEqual(before);
  });

  it("fills receipts.terminal_id from the optional column in either lane, so a terminal's day matches its batch credit without a detail file", async () => {
    const [a, b] = [receiptNo(), receiptNo()];
    const terminal = `T${String(serial).padStart(7, "0")}`;
    const row = (no: string, due: string, tid: string) => `${tid},${no},hukou,张三,,${due},${due},pos,2026-12-03T10:00:00+08:00,,paid`;
    const header = `terminal_id,${RECEIPT_COLUMNS.join(",")}`;
    const big = [header, row(a, "150.00", terminal), row(b, "38.00", terminal), ...Array.from({ length: 1200 }, () => row(receiptNo(), "0.07", ""))].join("\n");
    expect(Buffer.byteLength(big)).toBeGreaterThan(COPY_LANE_FROM_BYTES);
    const phases: string[] = [];
    expect(await importReceiptsFile(file(big), { timeZone: TZ }, { onPhase: (p) => phases.push(p) })).toMatchObject({ inserted: 1202, rejectedCount: 0 });
    expect(phases.includes("copy file to staging")).toBe(databaseKind() === "postgres");
    // the parser's lane (a small file) reads the same column, and a bad terminal id is named with its line
    const [c] = [receiptNo()];
    const small = await importReceiptsFile(file([header, row(c, "12.00", terminal.toLowerCase()), row(receiptNo(), "1.00", "终端1")].join("\n")), { timeZone: TZ });
    expect(small).toMatchObject({ inserted: 1, rejectedCount: 1 });
    expect(small.rejected.map((r) => r.line)).toEqual([3]);
    expect(small.rejected[0]!.reason).toContain("is not a terminal id");
    const stored = await queryRows<{ receipt_no: string; terminal_id: string | null }>(handle().db, sql`select receipt_no, terminal_id from receipts where receipt_no in (${a}, ${b}, ${c}) order by receipt_no`);
    expect(stored.map((r) => r.terminal_id)).toEqual([terminal, terminal, terminal.toLowerCase()]);
    // a later export without the column leaves the terminals as they are
    await importReceipts([{ no: a, due: "150.00", channel: "pos", paidAt: "2026-12-03T10:00:00+08:00", status: "paid" }]);
    const [kept] = await queryRows<{ terminal_id: string | null }>(handle().db, sql`select terminal_id from receipts where receipt_no = ${a}`);
    expect(kept!.terminal_id).toBe(terminal);
    // the terminal's day (200.00) is paid by one credit naming the terminal
    const summary = await importLines([{ ref: ref("POS"), amount: "200.00", date: "2026-12-04", channel: "pos", text: `POS清算 终端号${terminal} 20261203` }]);
    expect(summary.matching?.batches?.sumBatches).toBe(1);
    for (const no of [a, b, c]) expect((await statusOf(no))?.code).toBe("posted");
  });

  it("part payments: credits naming the receipt number post it without a bank reference; amount-only parts stay exceptions", async () => {
    const [named, unnamed] = [receiptNo(), receiptNo()];
    const tag = ref("PART");
    await importReceipts([
      { no: named, due: "380.00", channel: "online_bank", paidAt: "2026-11-16T10:00:00+08:00" },
      { no: unnamed, due: "380.00", channel: "online_bank", paidAt: "2026-11-16T10:00:00+08:00" },
    ]);
    const summary = await importLines([
      { amount: "200.00", date: "2026-11-17", channel: "online_bank", account: "6222020000001234", text: `缴费 ${named} 第一笔` },
      { amount: "180.00", date: "2026-11-18", channel: "online_bank", account: "6222020000001234", text: `补缴 ${named.slice(0, 8)}-${named.slice(8)}` },
      // the same two amounts with nothing but an amount, a channel and a date: which receipt, and are they one payment's parts?
      { amount: "200.00", date: "2026-11-17", channel: "online_bank", account: "6222020000005678", text: `转账 ${tag}` },
      { amount: "180.00", date: "2026-11-18", channel: "online_bank", account: "6222020000005678", text: `转账 ${tag}` },
    ]);
    expect(summary.matching).toMatchObject({ remittance: 2, amountDate: 0 });
    expect(await statusOf(named)).toMatchObject({ code: "posted", amountFen: 38000 });
    expect((await statusOf(unnamed))?.code).not.toBe("posted");
    const [open] = await queryRows<{ n: number }>(handle().db, sql`select count(*)::int as n from settlement_lines l
      where l.remittance = ${`转账 ${tag}`} and not exists (select 1 from matches m where m.settlement_line_id = l.id)`);
    expect(open!.n).toBe(2);
  });

  it("refuses a bad receipts file and changes nothing", async () => {
    const before = await snapshot();
    await expect(importReceiptsFile(file(`${RECEIPT_COLUMNS.join(",")}\n`), { timeZone: TZ })).rejects.toThrow("no data lines");
    expect(await snapshot()).toEqual(before);
  });

  it("leaves the database exactly as before when the load dies mid-file", async () => {
    const receipts = Array.from({ length: 2500 }, (_, i) => ({ no: receiptNo(), due: `${i + 1}.00`, bankRef: ref("K") }));
    const lines = receipts.map((r) => ({ ref: r.bankRef, amount: r.due, date: "2026-11-04" }));
    const before = await snapshot();
    const crash = (rows: number) => {
      if (rows >= 2000) throw new Error("simulated crash");
    };
    await expect(importReceiptsFile(file(receiptsCsv(receipts)), { timeZone: TZ }, { onStaged: crash })).rejects.toThrow("simulated crash");
    expect(await snapshot()).toEqual(before);

    await importReceiptsFile(file(receiptsCsv(receipts)), { timeZone: TZ });
    const loaded = await snapshot();
    await expect(importSettlementFile(file(settlementsCsv(lines)), { format: "csv", timeZone: TZ }, { onStaged: crash })).rejects.toThrow("simulated crash");
    expect(await snapshot()).toEqual(loaded);

    // The same file imports cleanly afterwards: the crash left no batch row behind.
    const summary = await importSettlementFile(file(settlementsCsv(lines)), { format: "csv", timeZone: TZ });
    expect(summary).toMatchObject({ alreadyImported: false, inserted: 2500 });
    expect(summary.matching?.reference).toBe(2500);
  });

  it("counts committed lines by outcome and times every import by its result in the metrics", async () => {
    const rows = async (outcome: string) =>
      (await metrics().importRows.get()).values.find((v) => v.labels.kind === "settlements" && v.labels.outcome === outcome)?.value ?? 0;
    const runs = async (result: string) =>
      (await metrics().importDuration.get()).values.find(
        (v) => v.metricName === "paystatus_import_duration_seconds_count" && v.labels.kind === "settlements" && v.labels.result === result,
      )?.value ?? 0;
    const before = [await rows("inserted"), await rows("rejected"), await runs("imported"), await runs("already_imported"), await runs("refused")];

    const content = settlementsCsv([
      { ref: ref("MX"), amount: "3.00", date: "2026-11-04" },
      { ref: ref("MX"), amount: "1,2,3", date: "2026-11-04" },
    ]);
    await importSettlementFile(file(content), { format: "csv", timeZone: TZ });
    await importSettlementFile(file(content), { format: "csv", timeZone: TZ });
    await expect(importSettlementFile(file(""), { format: "csv", timeZone: TZ })).rejects.toThrow(StatementFileError);

    const after = [await rows("inserted"), await rows("rejected"), await runs("imported"), await runs("already_imported"), await runs("refused")];
    expect(after.map((n, i) => n - before[i]!)).toEqual([1, 1, 1, 1, 1]);
  });

  it("runs matching on demand as a no-op when nothing changed", async () => {
    await matchSettlements({ timeZone: TZ });
    const before = await snapshot();
    expect(await matchSettlements({ timeZone: TZ })).toMatchObject({ reference: 0, remittance: 0, amountDate: 0, posted: 0 });
    expect(await snapshot()).toEqual(before);
  });

  // Two transactions at once: PostgreSQL only (the embedded store runs one at a time).
  it.skipIf(databaseKind() !== "postgres")("merges a receipt another transaction stores meanwhile, and leaves a line another transaction matches meanwhile to it", async () => {
    const d = handle().db;
    /** Runs `write` in a transaction held open until the import or matching below waits on its rows, then commits it. */
    const meanwhile = async <T>(write: ReturnType<typeof sql>, run: () => Promise<T>): Promise<T> => {
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      let written!: () => void;
      const ready = new Promise<void>((resolve) => (written = resolve));
      const other = d.transaction(async (tx) => {
        await tx.execute(write);
        written();
        await held;
      });
      await Promise.race([ready, other]);
      const running = run();
      for (let tries = 0; ; tries++) {
        const [{ n }] = (await queryRows<{ n: number }>(d, sql`select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`)) as [{ n: number }];
        if (n > 0) break;
        if (tries > 400) throw new Error("the import never waited for the other transaction");
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      release();
      await other;
      return running;
    };

    const no = receiptNo();
    const stored = sql`insert into receipts (receipt_no, service, payer_name, amount_due_fen, channel, billing_status) values (${no}, 'hukou', '张三', 2500, 'wechat', 'unpaid')`;
    const summary = await meanwhile(stored, () => importReceipts([{ no, due: "25.00", status: "paid" }, { no: receiptNo(), due: "30.00" }]));
    expect(summary).toMatchObject({ inserted: 1, updated: 1, stale: 0 });
    const [receipt] = await queryRows<{ id: number; billing_status: string; amount_paid_fen: number }>(d, sql`select id::int as id, billing_status, amount_paid_fen::int as amount_paid_fen from receipts where receipt_no = ${no}`);
    expect(receipt).toMatchObject({ billing_status: "paid", amount_paid_fen: 2500 });

    const bankRef = ref("RACE");
    // An amount and a date no receipt has, so that only the reference can match it.
    await importLines([{ ref: bankRef, amount: "24.99", date: "2026-12-30" }]);
    await d.execute(sql`update receipts set bank_ref = ${bankRef} where id = ${receipt!.id}`);
    const [line] = await queryRows<{ id: number }>(d, sql`select id::int as id from settlement_lines where bank_ref = ${bankRef}`);
    const matched = sql`insert into matches (settlement_line_id, receipt_id, method, matched_by) values (${line!.id}, ${receipt!.id}, 'manual', 'clerk')`;
    await meanwhile(matched, () => matchSettlements({ timeZone: TZ }));
    expect(await queryRows(d, sql`select method, matched_by from matches where settlement_line_id = ${line!.id}`)).toEqual([{ method: "manual", matched_by: "clerk" }]);
  });
});
