import { createPrivateKey, createPublicKey, createSign, generateKeyPairSync, randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { alipaySigningString } from "@/lib/channels/alipay";
import { rsaSha256Valid } from "@/lib/channels/keys";
import { beijingTimestamp, parseWechatAuthorization } from "@/lib/channels/order-query";

/**
 * A fake WeChat Pay / Alipay on 127.0.0.1 for tests: it speaks the order-query
 * protocols with locally generated keys — verifies the merchant's request
 * signature (refusing an unsigned or badly signed request with 401) and signs
 * its answers — so the client's signing and verifying are exercised for real.
 */

export type FakeOrder = { state: "SUCCESS" | "NOTPAY" | "CLOSED"; transactionId: string; amountFen: number; paidAt: Date };

const pair = () => generateKeyPairSync("rsa", { modulusLength: 2048, publicKeyEncoding: { type: "spki", format: "pem" }, privateKeyEncoding: { type: "pkcs8", format: "pem" } });

function sign(privatePem: string, text: string): string {
  const signer = createSign("RSA-SHA256");
  signer.update(text, "utf8");
  return signer.sign(createPrivateKey(privatePem), "base64");
}

const readBody = (req: IncomingMessage) =>
  new Promise<string>((resolve) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c)).on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
  });

export async function startFakeChannel() {
  const merchant = pair(); // the merchant's own key pair (WeChat: apiclient_key.pem; Alipay: the app key)
  const platform = pair(); // the channel's key pair (WeChat Pay platform key; Alipay public key)
  const orders = { wechat: new Map<string, FakeOrder>(), alipay: new Map<string, FakeOrder>() };
  const requests = { wechat: 0, alipay: 0, refused: 0 };
  const faults = { tamper: false, hang: false };

  const server: Server = createServer((req, res) => void answer(req, res));
  async function answer(req: IncomingMessage, res: ServerResponse) {
    const body = await readBody(req);
    if (faults.hang) return; // never answers: the client's timeout must end the call
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const wechat = /^\/v3\/pay\/transactions\/out-trade-no\/([^/]+)$/.exec(url.pathname);
    if (req.method === "GET" && wechat) {
      requests.wechat++;
      const auth = parseWechatAuthorization(req.headers.authorization ?? null);
      const signed = auth && `GET\n${url.pathname}${url.search}\n${auth.timestamp}\n${auth.nonce_str}\n\n`;
      if (!auth || !signed || !rsaSha256Valid(createPublicKey(merchant.publicKey), [signed], auth.signature ?? "") || auth.mchid !== url.searchParams.get("mchid")) {
        requests.refused++;
        res.writeHead(401).end(JSON.stringify({ code: "SIGN_ERROR", message: "签名错误" }));
        return;
      }
      const no = decodeURIComponent(wechat[1]!);
      const order = orders.wechat.get(no);
      const [status, answer] = order
        ? [200, JSON.stringify({ appid: "wx2421b1c4370ec43b", mchid: auth.mchid, out_trade_no: no, transaction_id: order.transactionId, trade_type: "JSAPI", trade_state: order.state, trade_state_desc: "支付成功", success_time: order.state === "SUCCESS" ? order.paidAt.toISOString().replace(/\.\d+Z$/, "+00:00") : undefined, amount: { total: order.amountFen, payer_total: order.amountFen, currency: "CNY" } })]
        : [404, JSON.stringify({ code: "ORDER_NOT_EXIST", message: "订单不存在" })];
      const timestamp = String(Math.floor(Date.now() / 1000));
      const nonce = randomBytes(16).toString("hex");
      const signature = sign(platform.privateKey, `${timestamp}\n${nonce}\n${faults.tamper ? answer.replace("CNY", "USD") : answer}\n`);
      res.writeHead(status, { "content-type": "application/json", "wechatpay-timestamp": timestamp, "wechatpay-nonce": nonce, "wechatpay-signature": signature, "wechatpay-serial": "5157F09EFDC096DE15EBE81A47057A7232F1B8E1" }).end(answer);
      return;
    }
    if (req.method === "POST" && url.pathname === "/gateway.do") {
      requests.alipay++;
      const form = new URLSearchParams(body);
      if (form.get("method") !== "alipay.trade.query" || !rsaSha256Valid(createPublicKey(merchant.publicKey), [alipaySigningString(form)], form.get("sign") ?? "")) {
        requests.refused++;
        res.writeHead(200, { "content-type": "application/json;charset=utf-8" }).end(JSON.stringify({ error_response: { code: "40002", msg: "Invalid Arguments", sub_code: "isv.invalid-signature" } }));
        return;
      }
      const no = (JSON.parse(form.get("biz_content") ?? "{}") as { out_trade_no?: string }).out_trade_no ?? "";
      const order = orders.alipay.get(no);
      const response = order
        ? { code: "10000", msg: "Success", trade_no: order.transactionId, out_trade_no: no, buyer_logon_id: "138****1234", trade_status: order.state === "SUCCESS" ? "TRADE_SUCCESS" : order.state === "NOTPAY" ? "WAIT_BUYER_PAY" : "TRADE_CLOSED", total_amount: (order.amountFen / 100).toFixed(2), send_pay_date: beijingTimestamp(order.paidAt) }
        : { code: "40004", msg: "Business Failed", sub_code: "ACQ.TRADE_NOT_EXIST", sub_msg: "交易不存在" };
      const text = JSON.stringify(response);
      const signature = sign(platform.privateKey, faults.tamper ? text.replace("Success", "Succes5") : text);
      res.writeHead(200, { "content-type": "application/json;charset=utf-8" }).end(`{"alipay_trade_query_response":${text},"sign":"${signature}"}`);
      return;
    }
    res.writeHead(404).end();
  }
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const oneLine = (pem: string) => pem.trim().replaceAll("\n", "\\n");
  return {
    orders,
    requests,
    faults,
    /** Environment as the portal would have it for this fake channel. */
    env: {
      WECHATPAY_QUERY_BASE_URL: base,
      WECHATPAY_MCHID: "1900000109",
      WECHATPAY_MERCHANT_SERIAL: "3775B6A45ACD588826D15E583A95F5DD4F2B8C3E",
      WECHATPAY_MERCHANT_PRIVATE_KEY: oneLine(merchant.privateKey),
      WECHATPAY_PLATFORM_PUBLIC_KEY: oneLine(platform.publicKey),
      ALIPAY_GATEWAY_URL: `${base}/gateway.do`,
      ALIPAY_APP_ID: "2021000123456789",
      ALIPAY_APP_PRIVATE_KEY: oneLine(merchant.privateKey),
      ALIPAY_PUBLIC_KEY: oneLine(platform.publicKey),
    },
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
