import { createHash } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { unlinkedConfirmations } from "@/db/queries/channel-confirmations";
import { channelConfirmations, receipts } from "@/db/schema";
import { databaseKind, setupTestDatabase } from "@/db/testing/test-db";
import { acquirerSignature, generateTestKeys, signAlipayNotification, signWechatNotification } from "@/lib/channels";
import { metrics } from "@/lib/metrics";
import { POST as acquirerNotify } from "./channels/acquirer/notify/route";
import { POST as alipayNotify } from "./channels/alipay/notify/route";
import { POST as wechatNotify } from "./channels/wechat/notify/route";

// The keys are read (and cached) on the first request of this file.
const keys = generateTestKeys();
const other = generateTestKeys();
Object.assign(process.env, keys.env);

const { handle } = setupTestDatabase();

let seq = 0;
async function receipt(channel: "wechat" | "alipay" | "pos" | "counter", amountDueFen = 38000) {
  const receiptNo = `20261191${String(++seq).padStart(4, "0")}${channel.length}${databaseKind().length}00`.slice(0, 16);
  await handle().db.insert(receipts).values({ receiptNo, service: "hukou", payerName: "张三", amountDueFen, amountPaidFen: amountDueFen, channel, paidAt: new Date(), billingStatus: "paid" });
  return receiptNo;
}

const stored = async (channel: string, transactionId: string) =>
  (await handle().db.select().from(channelConfirmations).where(sql`${channelConfirmations.channel} = ${channel} and ${channelConfirmations.transactionId} = ${transactionId}`)).length;
const count = async () => Number((await handle().db.select({ n: sql<number>`count(*)::int` }).from(channelConfirmations))[0]!.n);

const txId = (label: string) => `4200${createHash("sha256").update(label + databaseKind()).digest("hex").slice(0, 24)}`;
const wechatTx = (outTradeNo: string, transactionId: string, total = 38000) => ({
  out_trade_no: outTradeNo,
  transaction_id: transactionId,
  trade_state: "SUCCESS",
  success_time: "2026-11-04T10:34:50+08:00",
  amount: { total, payer_total: total, currency: "CNY" },
});
const postWechat = (n: { headers: Record<string, string>; body: string }) =>
  wechatNotify(new Request("http://localhost/api/v1/channels/wechat/notify", { method: "POST", headers: n.headers, body: n.body }));
const signedWechat = (tx: Record<string, unknown>, at = new Date(), k = keys) => signWechatNotification(tx, { platformPrivateKey: k.wechatPrivateKey, apiV3Key: k.env.WECHATPAY_APIV3_KEY }, at);

const postAlipay = (body: string) =>
  alipayNotify(new Request("http://localhost/api/v1/channels/alipay/notify", { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded; charset=utf-8" }, body }));
const alipayForm = (outTradeNo: string, tradeNo: string, totalAmount = "380.00") => ({
  notify_time: "2026-11-04 10:35:01",
  notify_id: `n${tradeNo}`,
  app_id: "2021000000000000",
  trade_no: tradeNo,
  out_trade_no: outTradeNo,
  trade_status: "TRADE_SUCCESS",
  total_amount: totalAmount,
  gmt_payment: "2026-11-04 10:34:50",
});

const postAcquirer = (body: string, signature: string | null = acquirerSignature(keys.env.ACQUIRER_NOTIFY_SECRET, body)) =>
  acquirerNotify(new Request("http://localhost/api/v1/channels/acquirer/notify", { method: "POST", headers: { "content-type": "application/json", ...(signature ? { "x-signature": signature } : {}) }, body }));
const acquirerBody = (outTradeNo: string, transactionId: string, amount = "380.00") =>
  JSON.stringify({ transaction_id: transactionId, out_trade_no: outTradeNo, amount, paid_at: "2026-11-04T10:34:50+08:00", terminal_id: "T0012", batch_id: "B042" });

describe(`POST /api/v1/channels/wechat/notify on ${databaseKind()}`, () => {
  it("stores a valid notification once (204); the retry and a concurrent duplicate add nothing", async () => {
    const no = await receipt("wechat");
    const id = txId("wechat-valid");
    const n = signedWechat(wechatTx(no, id));
    const first = await postWechat(n);
    expect(first.status).toBe(204);
    expect(await first.text()).toBe("");
    const again = await Promise.all([postWechat(n), postWechat(n), postWechat(signedWechat(wechatTx(no, id)))]);
    expect(again.map((r) => r.status)).toEqual([204, 204, 204]);
    const [row] = await handle().db.select().from(channelConfirmations).where(eq(channelConfirmations.transactionId, id));
    expect(row).toMatchObject({ channel: "wechat", outTradeNo: no, receiptNo: no, amountFen: 38000, paidAt: new Date("2026-11-04T02:34:50Z") });
    expect(await stored("wechat", id)).toBe(1);
  });

  it.each([
    ["a tampered body", (n: { headers: Record<string, string>; body: string }) => ({ ...n, body: n.body.replace("支付成功", "x") }), 401, "signature verification failed"],
    ["a stale timestamp", (n: { headers: Record<string, string>; body: string }) => n, 401, "timestamp outside 5 minutes"],
    ["missing headers", (n: { headers: Record<string, string>; body: string }) => ({ body: n.body, headers: { "content-type": "application/json" } }), 401, "missing Wechatpay-* headers"],
  ])("refuses %s with {code: FAIL} and stores nothing", async (name, change, status, message) => {
    const no = await receipt("wechat");
    const id = txId(`wechat-${name}`);
    const at = name === "a stale timestamp" ? new Date(Date.now() - 10 * 60_000) : new Date();
    const response = await postWechat(change(signedWechat(wechatTx(no, id), at)));
    expect(response.status).toBe(status);
    expect(await response.json()).toEqual({ code: "FAIL", message });
    expect(await stored("wechat", id)).toBe(0);
  });

  it("refuses a notification signed with another platform key", async () => {
    const no = await receipt("wechat");
    const before = await count();
    const response = await postWechat(signedWechat(wechatTx(no, txId("wechat-wrong-key")), new Date(), other));
    expect(response.status).toBe(401);
    expect(await count()).toBe(before);
  });

  it("refuses a body over 64 KiB before reading it as JSON", async () => {
    const response = await postWechat({ headers: { "content-type": "application/json" }, body: "x".repeat(70 * 1024) });
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({ code: "FAIL", message: "body too large" });
  });

  it("stores an unknown receipt's confirmation unlinked, for the console's exceptions", async () => {
    const id = txId("wechat-unknown");
    expect((await postWechat(signedWechat(wechatTx("2026119999999999", id)))).status).toBe(204);
    const { rows } = await unlinkedConfirmations({ id: 1, email: "clerk@paystatus.test", name: "", role: "agent", queues: ["data_entry"], isDemo: false, sessionVersion: 1 });
    expect(rows.find((r) => r.transactionId === id)).toMatchObject({ channel: "wechat", receiptNo: "2026119999999999", amountFen: 38000 });
  });

  it("stores a different amount (evidence of a mismatch)", async () => {
    const no = await receipt("wechat", 38000);
    const id = txId("wechat-amount");
    expect((await postWechat(signedWechat(wechatTx(no, id, 2000)))).status).toBe(204);
    const [row] = await handle().db.select().from(channelConfirmations).where(eq(channelConfirmations.transactionId, id));
    expect(row?.amountFen).toBe(2000);
  });

  it("refuses a receipt paid on another channel (422), storing nothing", async () => {
    const no = await receipt("alipay");
    const id = txId("wechat-other-channel");
    const response = await postWechat(signedWechat(wechatTx(no, id)));
    expect(response.status).toBe(422);
    expect(await response.json()).toEqual({ code: "FAIL", message: "order belongs to another payment channel" });
    expect(await stored("wechat", id)).toBe(0);
  });

  it("keeps confirmations append-only", async () => {
    await expect(handle().db.update(channelConfirmations).set({ amountFen: 1 })).rejects.toThrow();
    await expect(handle().db.delete(channelConfirmations)).rejects.toThrow();
  });
});

describe(`POST /api/v1/channels/alipay/notify on ${databaseKind()}`, () => {
  it("answers plain `success` and stores once; a retry adds nothing", async () => {
    const no = await receipt("alipay");
    const id = txId("alipay-valid");
    const body = signAlipayNotification(alipayForm(no, id), keys.alipayPrivateKey);
    for (let i = 0; i < 2; i++) {
      const response = await postAlipay(body);
      expect(response.status).toBe(200);
      expect(await response.text()).toBe("success");
    }
    expect(await stored("alipay", id)).toBe(1);
  });

  it.each([
    ["a tampered amount", (no: string, id: string) => signAlipayNotification(alipayForm(no, id), keys.alipayPrivateKey).replace("total_amount=380.00", "total_amount=3.80"), 401],
    ["another key", (no: string, id: string) => signAlipayNotification(alipayForm(no, id), other.alipayPrivateKey), 401],
    ["a JSON body", (no: string, id: string) => JSON.stringify(alipayForm(no, id)), 400],
    ["an amount that does not parse (signed)", (no: string, id: string) => signAlipayNotification(alipayForm(no, id, "380.001"), keys.alipayPrivateKey), 400],
  ])("refuses %s (not `success`, nothing stored)", async (name, make, status) => {
    const no = await receipt("alipay");
    const id = txId(`alipay-${name}`);
    const response = await postAlipay(make(no, id));
    expect(response.status).toBe(status);
    expect(await response.text()).toBe("fail");
    expect(await stored("alipay", id)).toBe(0);
  });

  it("acknowledges a closed trade without storing it", async () => {
    const no = await receipt("alipay");
    const id = txId("alipay-closed");
    const response = await postAlipay(signAlipayNotification({ ...alipayForm(no, id), trade_status: "TRADE_CLOSED" }, keys.alipayPrivateKey));
    expect(await response.text()).toBe("success");
    expect(await stored("alipay", id)).toBe(0);
  });
});

describe(`POST /api/v1/channels/acquirer/notify on ${databaseKind()}`, () => {
  it("stores a POS payment once; the duplicate adds nothing", async () => {
    const no = await receipt("pos");
    const id = `UP${txId("acq").slice(4, 20)}`;
    for (let i = 0; i < 2; i++) {
      const response = await postAcquirer(acquirerBody(no, id));
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ result: "ok" });
    }
    const [row] = await handle().db.select().from(channelConfirmations).where(eq(channelConfirmations.transactionId, id));
    expect(row).toMatchObject({ channel: "acquirer", receiptNo: no, amountFen: 38000, terminalId: "T0012", batchId: "B042" });
    expect(await stored("acquirer", id)).toBe(1);
  });

  it.each([
    ["malformed JSON", () => "{transaction_id:", undefined, 400, "malformed"],
    ["an amount as a JSON number", (no: string) => acquirerBody(no, "UPNUM1").replace('"380.00"', "380"), undefined, 400, "bad_amount"],
    ["no signature", (no: string) => acquirerBody(no, "UPNOSIG1"), null, 401, "missing_headers"],
    ["a wrong secret", (no: string) => acquirerBody(no, "UPWRONG1"), "0".repeat(64), 401, "bad_signature"],
  ])("refuses %s with a clear error, storing nothing", async (_name, make, signature, status, error) => {
    const no = await receipt("pos");
    const before = await count();
    const body = make(no);
    const response = await postAcquirer(body, signature === undefined ? acquirerSignature(keys.env.ACQUIRER_NOTIFY_SECRET, body) : signature);
    expect(response.status).toBe(status);
    expect(await response.json()).toEqual({ error });
    expect(await count()).toBe(before);
  });

  it("refuses a counter receipt (acquirer → pos only)", async () => {
    const no = await receipt("counter");
    const response = await postAcquirer(acquirerBody(no, "UPCOUNTER1"));
    expect(response.status).toBe(422);
    expect(await stored("acquirer", "UPCOUNTER1")).toBe(0);
  });
});

describe(`paystatus_channel_notifications_total on ${databaseKind()}`, () => {
  const counted = async (channel: string, outcome: string) =>
    (await metrics().channelNotifications.get()).values.find((v) => v.labels.channel === channel && v.labels.outcome === outcome)?.value ?? 0;

  it("counts each notification by channel and outcome", async () => {
    const outcomes = ["recorded", "duplicate", "recorded_unlinked", "amount_differs", "bad_signature", "channel_mismatch"];
    const before = Object.fromEntries(await Promise.all(outcomes.map(async (o) => [o, await counted("acquirer", o)] as const)));
    const no = await receipt("pos");
    const body = acquirerBody(no, `UPCOUNT${databaseKind()}1`);
    expect((await postAcquirer(body)).status).toBe(200);
    expect((await postAcquirer(body)).status).toBe(200);
    expect((await postAcquirer(acquirerBody("20269999999999991", `UPCOUNT${databaseKind()}2`))).status).toBe(200);
    expect((await postAcquirer(acquirerBody(await receipt("pos"), `UPCOUNT${databaseKind()}3`, "1.00"))).status).toBe(200);
    expect((await postAcquirer(body, acquirerSignature(other.env.ACQUIRER_NOTIFY_SECRET, body))).status).toBe(401);
    expect((await postAcquirer(acquirerBody(await receipt("counter"), `UPCOUNT${databaseKind()}4`))).status).toBe(422);
    for (const outcome of outcomes) expect(await counted("acquirer", outcome), outcome).toBe(before[outcome]! + 1);
  });
});
