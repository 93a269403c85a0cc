import { createPrivateKey, createSign, randomBytes, type KeyObject } from "node:crypto";
import { alipaySigningString, PAID_TRADE_STATUSES, yuanString } from "./alipay";
import { parsePublicKey, rsaSha256Valid } from "./keys";
import { ID_PATTERN, type ChannelPayment } from "./types";
import { MAX_CLOCK_SKEW_SECONDS, WECHAT_HEADERS } from "./wechat";

/**
 * Active order query (查询订单, issue 14): when a payment is still waiting past
 * its lock window and no notification came, we ask the channel. The job
 * (db/queries/channel-order-queries.ts) sees only this interface; the two
 * clients below speak the channels' real signed protocols over HTTPS:
 *
 * - WeChat Pay API v3: `GET {base}/v3/pay/transactions/out-trade-no/{no}?mchid={mchid}`,
 *   `Authorization: WECHATPAY2-SHA256-RSA2048 mchid=…,nonce_str=…,signature=…,timestamp=…,serial_no=…`
 *   where signature = RSA-SHA256 with the merchant's private key over
 *   `GET\n{path?query}\n{timestamp}\n{nonce}\n\n`. The answer is verified like a
 *   notification (`Wechatpay-Signature` over `timestamp\nnonce\nbody\n`, platform
 *   public key, 5 minutes of skew); 404 `ORDER_NOT_EXIST` = no such order.
 * - Alipay `alipay.trade.query`: a form POST to the gateway with the common
 *   parameters and `biz_content`, RSA2-signed with the app's private key like a
 *   notification; the answer's `sign` covers the exact text of
 *   `alipay_trade_query_response`, verified with Alipay's public key;
 *   code 40004 / `ACQ.TRADE_NOT_EXIST` = no such order.
 *
 * Every call has a timeout; an answer that is not signed by the channel is
 * never taken as a payment.
 */

export type OrderQueryResult =
  | { kind: "paid"; payment: ChannelPayment }
  /** The channel knows the order and it is not paid (NOTPAY, WAIT_BUYER_PAY, CLOSED, …). */
  | { kind: "not_paid" }
  | { kind: "not_found" }
  /** Timeout, network, an unsigned or badly signed answer, one we cannot read. Never detailed in logs with order data. */
  | { kind: "error"; reason: "timeout" | "network" | "bad_signature" | "malformed" | "http_status" };

export type OrderQueryClient = {
  /** The confirmations' channel this client answers for. */
  channel: "wechat" | "alipay";
  query(outTradeNo: string): Promise<OrderQueryResult>;
};

export type WechatQueryConfig = {
  baseUrl: string;
  mchid: string;
  merchantSerial: string;
  merchantPrivateKey: string;
  platformPublicKey: string;
  timeoutMs: number;
};

export type AlipayQueryConfig = { gatewayUrl: string; appId: string; appPrivateKey: string; alipayPublicKey: string; timeoutMs: number };

const privateKey = (pem: string) => createPrivateKey(pem.replaceAll("\\n", "\n"));

function rsaSign(key: KeyObject | string, text: string): string {
  const signer = createSign("RSA-SHA256");
  signer.update(text, "utf8");
  return signer.sign(typeof key === "string" ? privateKey(key) : key, "base64");
}

/** WeChat Pay v3's request signature line (`Authorization`), for a request with no body. */
export function wechatAuthorization(method: string, pathAndQuery: string, c: { mchid: string; merchantSerial: string; merchantPrivateKey: string | KeyObject }, now: Date, nonce = randomBytes(16).toString("hex")): string {
  const timestamp = String(Math.floor(now.getTime() / 1000));
  const signature = rsaSign(c.merchantPrivateKey, `${method}\n${pathAndQuery}\n${timestamp}\n${nonce}\n\n`);
  return `WECHATPAY2-SHA256-RSA2048 mchid="${c.mchid}",nonce_str="${nonce}",signature="${signature}",timestamp="${timestamp}",serial_no="${c.merchantSerial}"`;
}

/** Reads a WeChat Pay v3 `Authorization` header into its fields (for the fake channel in tests, and to check ours). */
export function parseWechatAuthorization(header: string | null): Record<string, string> | null {
  const m = header ? /^WECHATPAY2-SHA256-RSA2048 (.+)$/.exec(header) : null;
  if (!m) return null;
  return Object.fromEntries([...m[1]!.matchAll(/(\w+)="([^"]*)"/g)].map((p) => [p[1]!, p[2]!]));
}

/** Reads WeChat Pay's answer to an order query: verified, then the transaction. */
export function readWechatQueryAnswer(status: number, headers: { get(name: string): string | null }, body: string, platformPublicKey: KeyObject, now: Date): OrderQueryResult {
  const signature = headers.get(WECHAT_HEADERS.signature);
  const timestamp = headers.get(WECHAT_HEADERS.timestamp);
  const nonce = headers.get(WECHAT_HEADERS.nonce);
  if (!signature || !timestamp || !nonce || !/^\d{1,12}$/.test(timestamp) || Math.abs(Number(timestamp) - now.getTime() / 1000) > MAX_CLOCK_SKEW_SECONDS) return { kind: "error", reason: "bad_signature" };
  if (!rsaSha256Valid(platformPublicKey, [`${timestamp}\n${nonce}\n${body}\n`], signature)) return { kind: "error", reason: "bad_signature" };
  const json = parseObject(body);
  if (!json) return { kind: "error", reason: "malformed" };
  if (status === 404 && json.code === "ORDER_NOT_EXIST") return { kind: "not_found" };
  if (status !== 200) return { kind: "error", reason: "http_status" };
  if (typeof json.trade_state !== "string") return { kind: "error", reason: "malformed" };
  if (json.trade_state !== "SUCCESS") return { kind: "not_paid" };
  const amount = json.amount as { total?: unknown } | undefined;
  const paidAt = typeof json.success_time === "string" && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(json.success_time) ? new Date(json.success_time) : null;
  if (
    typeof json.out_trade_no !== "string" || !ID_PATTERN.test(json.out_trade_no) || typeof json.transaction_id !== "string" || !ID_PATTERN.test(json.transaction_id) ||
    !amount || !Number.isSafeInteger(amount.total) || (amount.total as number) <= 0 || !paidAt || Number.isNaN(paidAt.getTime())
  ) {
    return { kind: "error", reason: "malformed" };
  }
  return { kind: "paid", payment: { channel: "wechat", transactionId: json.transaction_id, outTradeNo: json.out_trade_no, amountFen: amount.total as number, paidAt, terminalId: null, batchId: null } };
}

/** `yyyy-MM-dd HH:mm:ss` in Beijing time, as Alipay writes its timestamps. */
export function beijingTimestamp(now: Date): string {
  return new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 19).replace("T", " ");
}

/** The signed form of an `alipay.trade.query` request. */
export function alipayQueryForm(outTradeNo: string, c: { appId: string; appPrivateKey: string | KeyObject }, now: Date): URLSearchParams {
  const form = new URLSearchParams({
    app_id: c.appId,
    method: "alipay.trade.query",
    format: "JSON",
    charset: "utf-8",
    sign_type: "RSA2",
    timestamp: beijingTimestamp(now),
    version: "1.0",
    biz_content: JSON.stringify({ out_trade_no: outTradeNo }),
  });
  form.set("sign", rsaSign(c.appPrivateKey, alipaySigningString(form)));
  return form;
}

const ALIPAY_RESPONSE_NODE = "alipay_trade_query_response";

/**
 * The exact text Alipay signed: the value of `alipay_trade_query_response` as it
 * appears in the body (re-serialising could reorder or re-escape it).
 */
export function alipaySignedText(body: string, node = ALIPAY_RESPONSE_NODE): string | null {
  const key = body.indexOf(`"${node}"`);
  if (key < 0) return null;
  const colon = body.indexOf(":", key + node.length + 2);
  const sign = body.lastIndexOf(`"sign"`);
  if (colon < 0 || sign < colon) return null;
  const text = body.slice(colon + 1, sign).trim().replace(/,$/, "").trim();
  return text.startsWith("{") && text.endsWith("}") ? text : null;
}

/** Reads Alipay's answer to `alipay.trade.query`: verified, then the trade. */
export function readAlipayQueryAnswer(body: string, alipayPublicKey: KeyObject): OrderQueryResult {
  const json = parseObject(body);
  const signed = alipaySignedText(body);
  if (!json || !signed) return { kind: "error", reason: "malformed" };
  if (typeof json.sign !== "string" || !rsaSha256Valid(alipayPublicKey, [signed], json.sign)) return { kind: "error", reason: "bad_signature" };
  const r = parseObject(signed);
  if (!r) return { kind: "error", reason: "malformed" };
  if (r.code === "40004" && r.sub_code === "ACQ.TRADE_NOT_EXIST") return { kind: "not_found" };
  if (r.code !== "10000" || typeof r.trade_status !== "string") return { kind: "error", reason: "malformed" };
  if (!PAID_TRADE_STATUSES.includes(r.trade_status)) return { kind: "not_paid" };
  const amountFen = yuanString(typeof r.total_amount === "string" ? r.total_amount : null);
  const paidAt = typeof r.send_pay_date === "string" && /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(r.send_pay_date) ? new Date(`${r.send_pay_date.replace(" ", "T")}+08:00`) : null;
  if (typeof r.out_trade_no !== "string" || !ID_PATTERN.test(r.out_trade_no) || typeof r.trade_no !== "string" || !ID_PATTERN.test(r.trade_no) || amountFen === null || !paidAt) {
    return { kind: "error", reason: "malformed" };
  }
  return { kind: "paid", payment: { channel: "alipay", transactionId: r.trade_no, outTradeNo: r.out_trade_no, amountFen, paidAt, terminalId: null, batchId: null } };
}

/** Answers larger than this are not read (a real one is under 2 KiB). */
const MAX_ANSWER_BYTES = 64 * 1024;

async function fetchText(url: string, init: RequestInit, timeoutMs: number): Promise<{ status: number; headers: Headers; body: string } | OrderQueryResult> {
  try {
    const response = await fetch(url, { ...init, redirect: "error", signal: AbortSignal.timeout(timeoutMs) });
    const body = await response.text();
    if (Buffer.byteLength(body, "utf8") > MAX_ANSWER_BYTES) return { kind: "error", reason: "malformed" };
    return { status: response.status, headers: response.headers, body };
  } catch (error) {
    const name = (error as { name?: string }).name;
    return { kind: "error", reason: name === "TimeoutError" || name === "AbortError" ? "timeout" : "network" };
  }
}

export function wechatQueryClient(c: WechatQueryConfig): OrderQueryClient {
  const merchantKey = privateKey(c.merchantPrivateKey);
  const platformKey = parsePublicKey(c.platformPublicKey);
  return {
    channel: "wechat",
    async query(outTradeNo) {
      const pathAndQuery = `/v3/pay/transactions/out-trade-no/${encodeURIComponent(outTradeNo)}?mchid=${encodeURIComponent(c.mchid)}`;
      const url = new URL(pathAndQuery, c.baseUrl);
      // The signature covers the path and query exactly as sent.
      const authorization = wechatAuthorization("GET", url.pathname + url.search, { ...c, merchantPrivateKey: merchantKey }, new Date());
      const answer = await fetchText(url.toString(), { method: "GET", headers: { Accept: "application/json", Authorization: authorization } }, c.timeoutMs);
      if ("kind" in answer) return answer;
      return readWechatQueryAnswer(answer.status, answer.headers, answer.body, platformKey, new Date());
    },
  };
}

export function alipayQueryClient(c: AlipayQueryConfig): OrderQueryClient {
  const appKey = privateKey(c.appPrivateKey);
  const alipayKey = parsePublicKey(c.alipayPublicKey);
  return {
    channel: "alipay",
    async query(outTradeNo) {
      const form = alipayQueryForm(outTradeNo, { appId: c.appId, appPrivateKey: appKey }, new Date());
      const answer = await fetchText(c.gatewayUrl, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded;charset=utf-8" }, body: form.toString() }, c.timeoutMs);
      if ("kind" in answer) return answer;
      if (answer.status !== 200) return { kind: "error", reason: "http_status" };
      return readAlipayQueryAnswer(answer.body, alipayKey);
    },
  };
}

function parseObject(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** The clients the environment turns on (each channel's base URL set; its keys are then required by lib/env.ts). */
export function orderQueryClientsFromConfig(
  config: Partial<Record<"WECHATPAY_QUERY_BASE_URL" | "WECHATPAY_MCHID" | "WECHATPAY_MERCHANT_SERIAL" | "WECHATPAY_MERCHANT_PRIVATE_KEY" | "WECHATPAY_PLATFORM_PUBLIC_KEY" | "ALIPAY_GATEWAY_URL" | "ALIPAY_APP_ID" | "ALIPAY_APP_PRIVATE_KEY" | "ALIPAY_PUBLIC_KEY", string>>,
  timeoutMs = ORDER_QUERY_TIMEOUT_MS,
): OrderQueryClient[] {
  const clients: OrderQueryClient[] = [];
  if (config.WECHATPAY_QUERY_BASE_URL && config.WECHATPAY_MCHID && config.WECHATPAY_MERCHANT_SERIAL && config.WECHATPAY_MERCHANT_PRIVATE_KEY && config.WECHATPAY_PLATFORM_PUBLIC_KEY) {
    clients.push(
      wechatQueryClient({
        baseUrl: config.WECHATPAY_QUERY_BASE_URL,
        mchid: config.WECHATPAY_MCHID,
        merchantSerial: config.WECHATPAY_MERCHANT_SERIAL,
        merchantPrivateKey: config.WECHATPAY_MERCHANT_PRIVATE_KEY,
        platformPublicKey: config.WECHATPAY_PLATFORM_PUBLIC_KEY,
        timeoutMs,
      }),
    );
  }
  if (config.ALIPAY_GATEWAY_URL && config.ALIPAY_APP_ID && config.ALIPAY_APP_PRIVATE_KEY && config.ALIPAY_PUBLIC_KEY) {
    clients.push(alipayQueryClient({ gatewayUrl: config.ALIPAY_GATEWAY_URL, appId: config.ALIPAY_APP_ID, appPrivateKey: config.ALIPAY_APP_PRIVATE_KEY, alipayPublicKey: config.ALIPAY_PUBLIC_KEY, timeoutMs }));
  }
  return clients;
}

/** Each order query gives up after this long (the job asks at most 20 a run, one after another). */
export const ORDER_QUERY_TIMEOUT_MS = 5000;
