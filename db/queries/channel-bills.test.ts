import { randomBytes } from "node:crypto";
import iconv from "iconv-lite";
import { describe, expect, it } from "vitest";
import { createCalendar } from "@/lib/calendar";
import { billLineDueAt } from "@/lib/channels/bill-due";
import { bytesOf } from "@/lib/statements/decode";
import { importSettlementFile } from "../import/settlements";
import { databaseKind, setupTestDatabase } from "../testing/test-db";
import { billLinesWithoutConfirmation, confirmationsMissingFromBill, raiseChannelBillExceptions } from "./channel-bills";
import { recordConfirmation } from "./channel-confirmations";
import type { StaffPrincipal } from "./staff";

setupTestDatabase();

const TZ = "Asia/Shanghai";
const AGENT: StaffPrincipal = { id: 1, email: "agent@paystatus.test", name: "", role: "agent", queues: ["data_entry"], isDemo: false, sessionVersion: 1 };
const unique = () => randomBytes(5).toString("hex").toUpperCase();
const DAY = 86_400_000;

const confirm = (channel: "wechat" | "alipay" | "acquirer", transactionId: string, paidAt: Date) =>
  recordConfirmation({ channel, transactionId, outTradeNo: `ORD${unique()}`, amountFen: 2500, paidAt, terminalId: null, batchId: null });

/** A WeChat Pay 交易账单 as downloaded: every cell backtick-prefixed, a summary block after the data. */
function wechatBill(lines: { txn: string; order: string; amount: string; at: string }[]) {
  const cells = (...c: string[]) => c.map((v) => `\`${v}`).join(",");
  return [
    "交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注",
    ...lines.map((l) =>
      cells(l.at, "wx2421b1c4370ec43b", "1900000109", "0", "", l.txn, l.order, "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o", "JSAPI", "SUCCESS", "CMB_DEBIT", "CNY", l.amount, "0.00", "0", "0", "0.00", "0.00", "", "", "户政缴费", "", "0.15", "0.60%", l.amount, "0.00", ""),
    ),
    "总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额",
    cells(String(lines.length), "0.00", "0.00", "0.00", "0.00", "0.00", "0.00"),
  ].join("\r\n");
}

const importBill = (content: string | Uint8Array, name = "bill.csv") => importSettlementFile({ name, open: () => bytesOf(content, 1024) }, { timeZone: TZ });
const txnIds = (rows: { transactionId: string }[]) => rows.map((r) => r.transactionId);

describe(`channel bills matched to confirmations by transaction id on ${databaseKind()}`, () => {
  it("links bill lines to confirmations; a line without one shows at once, a confirmation without one after its due time, once", async () => {
    const paidAt = new Date(Date.now() - 2 * DAY);
    const [onBoth, onlyBill, onlyConfirmed, acquirer] = [`4200${unique()}`, `4200${unique()}`, `4200${unique()}`, `UP${unique()}`];
    await confirm("wechat", onBoth, paidAt);
    await confirm("wechat", onlyConfirmed, paidAt);
    await confirm("acquirer", acquirer, paidAt); // the acquirer sends no bill in these formats: never an exception here

    const bill = wechatBill([
      { txn: onBoth, order: `ORD${unique()}`, amount: "25.00", at: "2026-11-24 10:00:00" },
      { txn: onlyBill, order: `ORD${unique()}`, amount: "25.00", at: "2026-11-24 10:05:00" },
    ]);
    expect(await importBill(bill)).toMatchObject({ profile: "wechat-merchant", inserted: 2, channelBill: { billLines: 2, confirmed: 1 } });
    // The same file again is a no-op; an overlapping bill adds no second line for a transaction.
    expect(await importBill(bill)).toMatchObject({ alreadyImported: true });

    const unconfirmed = txnIds((await billLinesWithoutConfirmation(AGENT, { limit: 500 })).rows);
    expect(unconfirmed).toContain(onlyBill);
    expect(unconfirmed).not.toContain(onBoth);

    const later = new Date(Date.now() + 20 * DAY);
    expect(await raiseChannelBillExceptions(later, { timeZone: TZ })).toBeGreaterThanOrEqual(1);
    let missing = txnIds((await confirmationsMissingFromBill(AGENT, { limit: 500 })).rows);
    expect(missing).toContain(onlyConfirmed);
    expect(missing).not.toContain(onBoth);
    expect(missing).not.toContain(acquirer);
    // Raised once, however often the job runs.
    expect(await raiseChannelBillExceptions(later, { timeZone: TZ })).toBe(0);
    expect(missing.filter((t) => t === onlyConfirmed)).toHaveLength(1);

    // The channel's late notification names the bill's orphan line; a late bill clears the exception.
    await confirm("wechat", onlyBill, paidAt);
    expect(txnIds((await billLinesWithoutConfirmation(AGENT, { limit: 500 })).rows)).not.toContain(onlyBill);
    expect(await importBill(wechatBill([{ txn: onlyConfirmed, order: `ORD${unique()}`, amount: "25.00", at: "2026-11-25 09:00:00" }]), "bill-2.csv")).toMatchObject({ channelBill: { billLines: 1, confirmed: 1 } });
    missing = txnIds((await confirmationsMissingFromBill(AGENT, { limit: 500 })).rows);
    expect(missing).not.toContain(onlyConfirmed);
  });

  it("not an exception before the end of the next business day", async () => {
    const paidAt = new Date(Date.now() - 1.5 * DAY);
    const txn = `4200${unique()}`;
    await confirm("wechat", txn, paidAt);
    const dueAt = billLineDueAt(paidAt, createCalendar(), TZ);
    await raiseChannelBillExceptions(new Date(dueAt.getTime() - 60_000), { timeZone: TZ });
    expect(txnIds((await confirmationsMissingFromBill(AGENT, { limit: 500 })).rows)).not.toContain(txn);
    await raiseChannelBillExceptions(dueAt, { timeZone: TZ });
    const [row] = (await confirmationsMissingFromBill(AGENT, { limit: 500 })).rows.filter((r) => r.transactionId === txn);
    expect(row?.dueAt.toISOString()).toBe(dueAt.toISOString());
  });

  it("an Alipay 业务明细 (GBK) line links by 支付宝交易号", async () => {
    const txn = `2026112422001${unique()}`;
    await confirm("alipay", txn, new Date(Date.now() - 3 * DAY));
    const text = [
      "#支付宝业务明细查询",
      "#账号：[20881234567890120156]",
      "#-----------------------------------------业务明细列表----------------------------------------",
      "支付宝交易号,商户订单号,业务类型,商品名称,创建时间,完成时间,门店编号,门店名称,操作员,终端号,对方账户,订单金额（元）,商家实收（元）,支付宝红包（元）,集分宝（元）,支付宝优惠（元）,商家优惠（元）,券核销金额（元）,券名称,商家红包消费金额（元）,卡消费金额（元）,退款批次号/请求号,服务费（元）,分润（元）,备注",
      `${txn}\t,ORD${unique()}\t,交易\t,医保缴费\t,2026-11-24 10:00:05\t,2026-11-24 10:00:05\t,\t,\t,\t,\t,138****1234\t,380.00\t,377.72\t,0.00\t,0.00\t,0.00\t,0.00\t,0.00\t,\t,0.00\t,0.00\t,\t,-2.28\t,0.00\t,\t`,
      "#-----------------------------------------业务明细列表结束------------------------------------",
      "#交易合计：1笔，商家实收共377.72元",
    ].join("\r\n");
    expect(await importBill(iconv.encode(text, "gbk"), "alipay.csv")).toMatchObject({ profile: "alipay-merchant", channelBill: { billLines: 1, confirmed: 1 } });
    await raiseChannelBillExceptions(new Date(Date.now() + 20 * DAY), { timeZone: TZ });
    expect(txnIds((await confirmationsMissingFromBill(AGENT, { limit: 500 })).rows)).not.toContain(txn);
  });
});
