import { createCipheriv, createPrivateKey, createSign, generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { acquirerSignature, verifyAcquirerNotification } from "./acquirer";
import { alipaySigningString, signAlipayNotification, verifyAlipayNotification, yuanString } from "./alipay";
import { generateTestKeys, isRsaPublicKey, parsePublicKey } from "./keys";
import { isValidOrderNoPattern, receiptNoForOrder } from "./order-no";
import { decryptResource, signWechatNotification, verifyWechatNotification } from "./wechat";

const keys = generateTestKeys();
const other = generateTestKeys();
const now = new Date("2026-11-04T02:34:56Z");

const wechatKeys = { platformPublicKey: parsePublicKey(keys.env.WECHATPAY_PLATFORM_PUBLIC_KEY), apiV3Key: keys.env.WECHATPAY_APIV3_KEY };
const transaction = {
  out_trade_no: "2026110000000029",
  transaction_id: "4200001234202611041234567890",
  trade_state: "SUCCESS",
  success_time: "2026-11-04T10:34:50+08:00",
  amount: { total: 38000, payer_total: 38000, currency: "CNY" },
};
const signedWechat = (tx: Record<string, unknown> = transaction, at = now, k = keys) =>
  signWechatNotification(tx, { platformPrivateKey: k.wechatPrivateKey, apiV3Key: k.env.WECHATPAY_APIV3_KEY }, at);
const verifyWechat = (n: { headers: Record<string, string>; body: string }, at = now) => verifyWechatNotification(new Headers(n.headers), Buffer.from(n.body), wechatKeys, at);

describe("WeChat Pay API v3 notifications", () => {
  it("accepts a signed, encrypted SUCCESS transaction and reads it", () => {
    expect(verifyWechat(signedWechat())).toEqual({
      ok: true,
      payment: { channel: "wechat", transactionId: transaction.transaction_id, outTradeNo: "2026110000000029", amountFen: 38000, paidAt: new Date("2026-11-04T02:34:50Z"), terminalId: null, batchId: null },
    });
  });

  const tamper = (n: { headers: Record<string, string>; body: string }, change: (n: { headers: Record<string, string>; body: string }) => void) => {
    const copy = { headers: { ...n.headers }, body: n.body };
    change(copy);
    return copy;
  };
  it.each([
    ["a tampered body", (n: { headers: Record<string, string>; body: string }) => tamper(n, (c) => (c.body = c.body.replace('"summary":"支付成功"', '"summary":"x"'))), "bad_signature"],
    ["a tampered nonce", (n: { headers: Record<string, string>; body: string }) => tamper(n, (c) => (c.headers["wechatpay-nonce"] = "0000")), "bad_signature"],
    ["a signature that is not base64 of anything", (n: { headers: Record<string, string>; body: string }) => tamper(n, (c) => (c.headers["wechatpay-signature"] = "%%%")), "bad_signature"],
    ["a missing serial", (n: { headers: Record<string, string>; body: string }) => tamper(n, (c) => delete c.headers["wechatpay-serial"]), "missing_headers"],
    ["a missing signature", (n: { headers: Record<string, string>; body: string }) => tamper(n, (c) => delete c.headers["wechatpay-signature"]), "missing_headers"],
    ["WeChat's own signature probe (WECHATPAY/SIGNTEST/)", (n: { headers: Record<string, string>; body: string }) => tamper(n, (c) => (c.headers["wechatpay-signature"] = "WECHATPAY/SIGNTEST/abc")), "bad_signature"],
  ])("refuses %s", (_name, make, reason) => {
    expect(verifyWechat(make(signedWechat()))).toEqual({ ok: false, reason });
  });

  it("refuses a message signed with another key", () => {
    expect(verifyWechat(signedWechat(transaction, now, other))).toEqual({ ok: false, reason: "bad_signature" });
  });

  it.each([
    ["6 minutes old", -6 * 60_000, "stale_timestamp"],
    ["6 minutes ahead", 6 * 60_000, "stale_timestamp"],
    ["4 minutes old", -4 * 60_000, null],
  ])("a timestamp %s", (_name, offset, reason) => {
    const result = verifyWechat(signedWechat(transaction, new Date(now.getTime() + offset)));
    expect(result.ok ? null : result.reason).toBe(reason);
  });

  it("refuses ciphertext encrypted with another API v3 key (signed correctly)", () => {
    const n = signWechatNotification(transaction, { platformPrivateKey: keys.wechatPrivateKey, apiV3Key: other.env.WECHATPAY_APIV3_KEY }, now);
    expect(verifyWechat(n)).toEqual({ ok: false, reason: "decrypt_failed" });
  });

  it.each([
    ["a refund notice (trade_state REFUND)", { ...transaction, trade_state: "REFUND" }, "not_success"],
    ["no trade_state", { ...transaction, trade_state: undefined }, "malformed"],
    ["a fractional amount", { ...transaction, amount: { total: 380.5 } }, "bad_amount"],
    ["an amount as a string", { ...transaction, amount: { total: "38000" } }, "bad_amount"],
    ["a zero amount", { ...transaction, amount: { total: 0 } }, "bad_amount"],
    ["no out_trade_no", { ...transaction, out_trade_no: undefined }, "malformed"],
    ["a success_time without offset", { ...transaction, success_time: "2026-11-04 10:34:50" }, "malformed"],
  ])("decrypts but refuses %s", (_name, tx, reason) => {
    expect(verifyWechat(signedWechat(tx as Record<string, unknown>))).toEqual({ ok: false, reason });
  });

  it("decrypts AEAD_AES_256_GCM with the tag at the end, and refuses a flipped bit", () => {
    const key = "0123456789abcdef0123456789abcdef";
    const cipher = createCipheriv("aes-256-gcm", Buffer.from(key), Buffer.from("nonce1234567"));
    cipher.setAAD(Buffer.from("certificate"));
    const ct = Buffer.concat([cipher.update("hello", "utf8"), cipher.final(), cipher.getAuthTag()]);
    expect(decryptResource(key, "nonce1234567", "certificate", ct.toString("base64"))?.toString()).toBe("hello");
    ct[0]! ^= 1;
    expect(decryptResource(key, "nonce1234567", "certificate", ct.toString("base64"))).toBeNull();
    expect(decryptResource("short", "nonce1234567", "certificate", ct.toString("base64"))).toBeNull();
  });

  it("refuses a signed body that is not JSON", () => {
    const body = "<xml><return_code>SUCCESS</return_code></xml>";
    const n = signedWechat();
    // re-sign the XML body with the right key, so only the format is wrong
    const signer = createSign("RSA-SHA256");
    signer.update(`${n.headers["wechatpay-timestamp"]}\n${n.headers["wechatpay-nonce"]}\n${body}\n`);
    const signature = signer.sign(createPrivateKey(keys.wechatPrivateKey.replaceAll("\\n", "\n")), "base64");
    expect(verifyWechat({ headers: { ...n.headers, "wechatpay-signature": signature }, body })).toEqual({ ok: false, reason: "malformed" });
  });
});

const alipayKeys = { alipayPublicKey: parsePublicKey(keys.env.ALIPAY_PUBLIC_KEY) };
const alipayParams = {
  notify_time: "2026-11-04 10:35:01",
  notify_id: "ac05099524730693a8b330c5ecf72da9786",
  app_id: "2021000000000000",
  trade_no: "2026110422001400000000000001",
  out_trade_no: "2026110000000029",
  trade_status: "TRADE_SUCCESS",
  total_amount: "380.00",
  receipt_amount: "380.00",
  gmt_payment: "2026-11-04 10:34:50",
  subject: "户政业务费 缴费",
  fund_bill_list: "",
};
const verifyAlipay = (body: string) => verifyAlipayNotification(Buffer.from(body), alipayKeys);

describe("Alipay RSA2 notifications", () => {
  it("builds the signing string: sorted, without sign, sign_type or empty values, values decoded", () => {
    expect(alipaySigningString(new URLSearchParams("b=2&a=1&sign=x&sign_type=RSA2&c=&d=%E4%B8%AD+%26"))).toBe("a=1&b=2&d=中 &");
  });

  it("accepts a signed TRADE_SUCCESS form and reads it", () => {
    expect(verifyAlipay(signAlipayNotification(alipayParams, keys.alipayPrivateKey))).toEqual({
      ok: true,
      payment: { channel: "alipay", transactionId: alipayParams.trade_no, outTradeNo: "2026110000000029", amountFen: 38000, paidAt: new Date("2026-11-04T02:34:50Z"), terminalId: null, batchId: null },
    });
  });

  it("accepts TRADE_FINISHED; acknowledges WAIT_BUYER_PAY and TRADE_CLOSED without a payment", () => {
    expect(verifyAlipay(signAlipayNotification({ ...alipayParams, trade_status: "TRADE_FINISHED" }, keys.alipayPrivateKey)).ok).toBe(true);
    for (const trade_status of ["WAIT_BUYER_PAY", "TRADE_CLOSED"]) {
      expect(verifyAlipay(signAlipayNotification({ ...alipayParams, trade_status }, keys.alipayPrivateKey))).toEqual({ ok: false, reason: "not_success" });
    }
  });

  it.each([
    ["a tampered amount", (b: string) => b.replace("total_amount=380.00", "total_amount=3.80"), "bad_signature"],
    ["an added parameter", (b: string) => `${b}&extra=1`, "bad_signature"],
    ["no sign", (b: string) => b.replace(/&?sign=[^&]*/, ""), "missing_headers"],
    ["sign_type RSA (SHA-1)", (b: string) => b.replace("sign_type=RSA2", "sign_type=RSA"), "bad_signature"],
    ["a JSON body", () => JSON.stringify(alipayParams), "malformed"],
    ["an empty body", () => "", "malformed"],
    ["a repeated parameter", (b: string) => `${b}&out_trade_no=2026110000000037`, "malformed"],
  ])("refuses %s", (_name, change, reason) => {
    expect(verifyAlipay(change(signAlipayNotification(alipayParams, keys.alipayPrivateKey)))).toEqual({ ok: false, reason });
  });

  it("refuses a form signed with another key", () => {
    expect(verifyAlipay(signAlipayNotification(alipayParams, other.alipayPrivateKey))).toEqual({ ok: false, reason: "bad_signature" });
  });

  it.each(["380", "380.5", "0.01"])("reads the amount %s as fen", (amount) => {
    expect(verifyAlipay(signAlipayNotification({ ...alipayParams, total_amount: amount }, keys.alipayPrivateKey)).ok).toBe(true);
  });

  it.each(["380.001", "-380.00", "3.8e2", "¥380.00", "1,380.00", "0.00", ""])("refuses the amount %j (signed)", (amount) => {
    const result = verifyAlipay(signAlipayNotification({ ...alipayParams, total_amount: amount }, keys.alipayPrivateKey));
    expect(result).toEqual({ ok: false, reason: "bad_amount" });
  });
});

describe("acquirer (UnionPay / POS) notifications", () => {
  const secret = keys.env.ACQUIRER_NOTIFY_SECRET;
  const body = JSON.stringify({ transaction_id: "UP20261104000123", out_trade_no: "2026110000000029", amount: "380.00", paid_at: "2026-11-04T10:34:50+08:00", terminal_id: "T0012", batch_id: "B042" });

  it("accepts the hex HMAC-SHA256 of the raw body (with or without sha256=)", () => {
    const expected = {
      ok: true,
      payment: { channel: "acquirer", transactionId: "UP20261104000123", outTradeNo: "2026110000000029", amountFen: 38000, paidAt: new Date("2026-11-04T02:34:50Z"), terminalId: "T0012", batchId: "B042" },
    };
    expect(verifyAcquirerNotification(acquirerSignature(secret, body), Buffer.from(body), secret)).toEqual(expected);
    expect(verifyAcquirerNotification(`sha256=${acquirerSignature(secret, body).toUpperCase()}`, Buffer.from(body), secret)).toEqual(expected);
  });

  it.each([
    ["no signature", null, body, "missing_headers"],
    ["a tampered body", acquirerSignature(secret, body), body.replace("380.00", "38.00"), "bad_signature"],
    ["another secret", acquirerSignature(other.env.ACQUIRER_NOTIFY_SECRET, body), body, "bad_signature"],
    ["a short signature", "abcd", body, "bad_signature"],
  ])("refuses %s", (_name, signature, sent, reason) => {
    expect(verifyAcquirerNotification(signature, Buffer.from(sent), secret)).toEqual({ ok: false, reason });
  });

  it.each([
    ["not JSON", "{transaction_id:", "malformed"],
    ["an array", "[]", "malformed"],
    ["the amount as a number", JSON.stringify({ transaction_id: "A1", out_trade_no: "2026110000000029", amount: 380, paid_at: "2026-11-04T10:34:50+08:00" }), "bad_amount"],
    ["three decimals", JSON.stringify({ transaction_id: "A1", out_trade_no: "2026110000000029", amount: "380.001", paid_at: "2026-11-04T10:34:50+08:00" }), "bad_amount"],
    ["no paid_at", JSON.stringify({ transaction_id: "A1", out_trade_no: "2026110000000029", amount: "380.00" }), "malformed"],
    ["an id with a space", JSON.stringify({ transaction_id: "A 1", out_trade_no: "2026110000000029", amount: "380.00", paid_at: "2026-11-04T10:34:50+08:00" }), "malformed"],
  ])("refuses a signed body with %s", (_name, sent, reason) => {
    expect(verifyAcquirerNotification(acquirerSignature(secret, sent), Buffer.from(sent), secret)).toEqual({ ok: false, reason });
  });
});

describe("keys and order numbers", () => {
  it("reads public keys as PEM (real or escaped newlines) or bare base64 DER", () => {
    const { publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const pem = publicKey.export({ type: "spki", format: "pem" }).toString();
    const der = publicKey.export({ type: "spki", format: "der" }).toString("base64");
    for (const form of [pem, pem.trim().replaceAll("\n", "\\n"), der]) expect(isRsaPublicKey(form)).toBe(true);
    expect(isRsaPublicKey("not a key")).toBe(false);
    expect(keys.env.WECHATPAY_APIV3_KEY).toHaveLength(32);
  });

  it.each([
    ["2026110000000029", null, "2026110000000029"],
    ["WX2026110000000029", "WX(\\d{16})", "2026110000000029"],
    ["2026110000000029-01", "(?<receipt>\\d{16})-\\d{2}", "2026110000000029"],
    ["ZFB2026110000000029", "WX(\\d{16})", null],
    ["2026110000000029", "(", null],
  ])("order %s with pattern %s → receipt %s", (order, pattern, receipt) => {
    expect(receiptNoForOrder(order, pattern)).toBe(receipt);
  });

  it.each([
    ["WX(\\d{16})", true],
    ["(?<receipt>\\d{16})-\\d{2}", true],
    ["WX\\d{16}", false],
    ["(?:WX)\\d{16}", false],
    ["(", false],
  ])("pattern %s is valid: %s", (pattern, valid) => {
    expect(isValidOrderNoPattern(pattern)).toBe(valid);
  });

  it.each([
    ["25.00", 2500],
    ["0.01", 1],
    ["25", 2500],
    ["25.0000", null],
    ["25.", null],
    [" 25.00", null],
  ])("yuan string %j → %s fen", (value, fen) => {
    expect(yuanString(value)).toBe(fen);
  });
});
