import { spawnSync } from "node:child_process";
import { createPrivateKey, createSign } from "node:crypto";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { acquirerSignature, parsePublicKey, rsaSha256Valid, signAlipayNotification, signWechatNotification, verifyAcquirerNotification, verifyAlipayNotification, verifyWechatNotification } from "@/lib/channels";
import { TEST_KEY_ENV } from "@/lib/channels/keys";
import { orderQueryClientsFromConfig, wechatAuthorization, alipayQueryForm, parseWechatAuthorization } from "@/lib/channels/order-query";
import { alipaySigningString } from "@/lib/channels/alipay";
import { parseEnv } from "@/lib/env";

/**
 * `npm run channel -- keys` as an operator runs it: every line it prints configures paystatus (lib/env.ts
 * takes them), and each private half signs what its printed public half verifies — notifications one way,
 * order queries the other.
 */
const root = join(import.meta.dirname, "..");
const tsx = join(root, "node_modules", ".bin", "tsx");

function printedSet() {
  const run = spawnSync(tsx, ["--conditions=react-server", "scripts/channel.ts", "keys"], { cwd: root, encoding: "utf8", timeout: 90_000, env: { PATH: process.env.PATH ?? "", NODE_ENV: "development" } });
  expect(run.stderr).toBe("");
  expect(run.status).toBe(0);
  const lines = run.stdout.trim().split("\n");
  const values = (commented: boolean) =>
    Object.fromEntries(lines.filter((l) => l.startsWith("# ") === commented).map((l) => (commented ? l.slice(2) : l)).filter((l) => /^[A-Z0-9_]+=/.test(l)).map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]));
  return { env: values(false), harness: values(true), lines };
}

const unescape = (pem: string) => pem.replaceAll("\\n", "\n");
const rsaSign = (privatePem: string, text: string) => createSign("RSA-SHA256").update(text, "utf8").sign(createPrivateKey(unescape(privatePem)), "base64");

describe("npm run channel -- keys", () => {
  const { env, harness, lines } = printedSet();

  it("prints every variable of notification verification and active query, one line each, and the harness halves commented", () => {
    expect(Object.keys(env).sort()).toEqual([...TEST_KEY_ENV].sort());
    expect(Object.keys(harness)).toEqual(expect.arrayContaining(["WECHATPAY_TEST_PRIVATE_KEY", "ALIPAY_TEST_PRIVATE_KEY", "WECHATPAY_TEST_MERCHANT_PUBLIC_KEY", "ALIPAY_TEST_APP_PUBLIC_KEY"]));
    for (const line of lines) expect(line).not.toContain("\r");
    // The set is valid configuration as printed, and, with the channels' URLs, turns both order queries on.
    const config = parseEnv({ NODE_ENV: "development", ...env });
    expect(config).toMatchObject(env);
    const withUrls = parseEnv({ NODE_ENV: "development", ...env, WECHATPAY_QUERY_BASE_URL: "http://127.0.0.1:9", ALIPAY_GATEWAY_URL: "http://127.0.0.1:9/gateway.do" });
    expect(orderQueryClientsFromConfig(withUrls).map((c) => c.channel)).toEqual(["wechat", "alipay"]);
  });

  it("notifications: the channels' private halves sign what paystatus verifies with the printed keys", () => {
    const now = new Date();
    const transaction = { out_trade_no: "2026120300000017", transaction_id: "4200002026120300000001", trade_state: "SUCCESS", success_time: "2026-12-03T10:00:00+08:00", amount: { total: 2500 } };
    const wechat = signWechatNotification(transaction, { platformPrivateKey: harness.WECHATPAY_TEST_PRIVATE_KEY!, apiV3Key: env.WECHATPAY_APIV3_KEY! }, now);
    const wechatKeys = { platformPublicKey: parsePublicKey(env.WECHATPAY_PLATFORM_PUBLIC_KEY!), apiV3Key: env.WECHATPAY_APIV3_KEY! };
    expect(verifyWechatNotification(new Headers(wechat.headers), Buffer.from(wechat.body), wechatKeys, now)).toMatchObject({ ok: true, payment: { amountFen: 2500 } });
    // Signed with the wrong half (the merchant's own key): refused.
    const wrong = signWechatNotification(transaction, { platformPrivateKey: env.WECHATPAY_MERCHANT_PRIVATE_KEY!, apiV3Key: env.WECHATPAY_APIV3_KEY! }, now);
    expect(verifyWechatNotification(new Headers(wrong.headers), Buffer.from(wrong.body), wechatKeys, now)).toEqual({ ok: false, reason: "bad_signature" });

    const params = { notify_time: "2026-12-03 10:00:01", notify_id: "n1", app_id: env.ALIPAY_APP_ID!, trade_no: "2026120322001400000001", out_trade_no: "2026120300000017", trade_status: "TRADE_SUCCESS", total_amount: "25.00", gmt_payment: "2026-12-03 10:00:00" };
    const alipayKeys = { alipayPublicKey: parsePublicKey(env.ALIPAY_PUBLIC_KEY!) };
    expect(verifyAlipayNotification(Buffer.from(signAlipayNotification(params, harness.ALIPAY_TEST_PRIVATE_KEY!)), alipayKeys)).toMatchObject({ ok: true, payment: { amountFen: 2500 } });
    expect(verifyAlipayNotification(Buffer.from(signAlipayNotification(params, env.ALIPAY_APP_PRIVATE_KEY!)), alipayKeys)).toEqual({ ok: false, reason: "bad_signature" });

    const body = JSON.stringify({ transaction_id: "UP1", out_trade_no: "2026120300000017", amount: "25.00", paid_at: "2026-12-03T10:00:00+08:00" });
    expect(verifyAcquirerNotification(acquirerSignature(env.ACQUIRER_NOTIFY_SECRET!, body), Buffer.from(body), env.ACQUIRER_NOTIFY_SECRET!).ok).toBe(true);
  });

  it("order queries: paystatus signs with the printed private keys what the channel verifies with its harness half", () => {
    const now = new Date();
    const path = `/v3/pay/transactions/out-trade-no/2026120300000017?mchid=${env.WECHATPAY_MCHID}`;
    const header = wechatAuthorization("GET", path, { mchid: env.WECHATPAY_MCHID!, merchantSerial: env.WECHATPAY_MERCHANT_SERIAL!, merchantPrivateKey: env.WECHATPAY_MERCHANT_PRIVATE_KEY! }, now);
    const auth = parseWechatAuthorization(header)!;
    expect(auth).toMatchObject({ mchid: env.WECHATPAY_MCHID, serial_no: env.WECHATPAY_MERCHANT_SERIAL });
    const signed = `GET\n${path}\n${auth.timestamp}\n${auth.nonce_str}\n\n`;
    expect(rsaSha256Valid(parsePublicKey(harness.WECHATPAY_TEST_MERCHANT_PUBLIC_KEY!), [signed], auth.signature!)).toBe(true);
    expect(rsaSha256Valid(parsePublicKey(env.WECHATPAY_PLATFORM_PUBLIC_KEY!), [signed], auth.signature!)).toBe(false);

    const form = alipayQueryForm("2026120300000017", { appId: env.ALIPAY_APP_ID!, appPrivateKey: env.ALIPAY_APP_PRIVATE_KEY! }, now);
    expect(form.get("app_id")).toBe(env.ALIPAY_APP_ID);
    expect(rsaSha256Valid(parsePublicKey(harness.ALIPAY_TEST_APP_PUBLIC_KEY!), [alipaySigningString(form)], form.get("sign")!)).toBe(true);
    expect(rsaSha256Valid(parsePublicKey(env.ALIPAY_PUBLIC_KEY!), [alipaySigningString(form)], form.get("sign")!)).toBe(false);

    // And the channel's answers, signed with its harness half, verify with what paystatus was given.
    const answer = '{"code":"10000"}';
    expect(rsaSha256Valid(parsePublicKey(env.ALIPAY_PUBLIC_KEY!), [answer], rsaSign(harness.ALIPAY_TEST_PRIVATE_KEY!, answer))).toBe(true);
  });
});
