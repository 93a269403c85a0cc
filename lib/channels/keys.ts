import { createPrivateKey, createPublicKey, createVerify, generateKeyPairSync, randomBytes, type KeyObject } from "node:crypto";

/**
 * Channel keys as they come in environment variables. A public key may be a PEM
 * (line breaks as real newlines or as the two characters `\n`) or the bare
 * base64 of the DER SubjectPublicKeyInfo — what the Alipay console shows.
 */
export function parsePublicKey(value: string): KeyObject {
  // Parsed once per key: the notify routes verify with the same few configured keys on every request.
  let key = parsedKeys.get(value);
  if (!key) {
    key = readPublicKey(value);
    if (parsedKeys.size < 8) parsedKeys.set(value, key);
  }
  return key;
}
const parsedKeys = new Map<string, KeyObject>();

function readPublicKey(value: string): KeyObject {
  const text = value.trim();
  if (text.includes("-----BEGIN")) return createPublicKey(text.replaceAll("\\n", "\n"));
  return createPublicKey({ key: Buffer.from(text.replace(/\s+/g, ""), "base64"), format: "der", type: "spki" });
}

/** true when the value is an RSA public key we can verify with. */
export function isRsaPublicKey(value: string): boolean {
  try {
    return parsePublicKey(value).asymmetricKeyType === "rsa";
  } catch {
    return false;
  }
}

/** true when the value is an RSA private key (PEM; line breaks as newlines or `\\n`) we can sign with. */
export function isRsaPrivateKey(value: string): boolean {
  try {
    return createPrivateKey(value.trim().replaceAll("\\n", "\n")).asymmetricKeyType === "rsa";
  } catch {
    return false;
  }
}

/** The environment variables a test key set configures: notification verification and active order query, both channels and the acquirer. */
export const TEST_KEY_ENV = [
  "WECHATPAY_PLATFORM_PUBLIC_KEY",
  "WECHATPAY_APIV3_KEY",
  "WECHATPAY_MCHID",
  "WECHATPAY_MERCHANT_SERIAL",
  "WECHATPAY_MERCHANT_PRIVATE_KEY",
  "ALIPAY_PUBLIC_KEY",
  "ALIPAY_APP_ID",
  "ALIPAY_APP_PRIVATE_KEY",
  "ACQUIRER_NOTIFY_SECRET",
] as const;

export type TestKeySet = {
  /**
   * Environment lines for paystatus: what verifies the channels' notifications and answers (their public
   * keys, the API v3 key, the HMAC secret) and what signs our order queries (the merchant's and the app's
   * private keys, with the merchant id, certificate serial and app id). The query base URLs are not in it:
   * they turn active query on, towards whoever plays the channel.
   */
  env: Record<(typeof TEST_KEY_ENV)[number], string>;
  // The other halves, for whoever plays the channel in a test (never given to paystatus).
  /** Signs WeChat Pay notifications and order-query answers (the platform private key). */
  wechatPrivateKey: string;
  /** Signs Alipay notifications and `alipay.trade.query` answers (Alipay's private key). */
  alipayPrivateKey: string;
  /** Verifies our WeChat Pay order queries (the merchant API certificate's public key). */
  wechatMerchantPublicKey: string;
  /** Verifies our `alipay.trade.query` requests (the app's public key, as uploaded to Alipay). */
  alipayAppPublicKey: string;
};

const oneLine = (pem: string) => pem.trim().replaceAll("\n", "\\n");

/** `count` random decimal digits, the first not 0. */
const digits = (count: number) => Array.from(randomBytes(count), (b, i) => (i === 0 ? 1 + (b % 9) : b % 10)).join("");

/**
 * A fresh set of test keys: four RSA-2048 key pairs (WeChat Pay platform, WeChat Pay merchant, Alipay,
 * Alipay app), a 32-character API v3 key, an HMAC secret, a merchant id, a certificate serial and an app id.
 */
export function generateTestKeys(): TestKeySet {
  const pair = () => generateKeyPairSync("rsa", { modulusLength: 2048, publicKeyEncoding: { type: "spki", format: "pem" }, privateKeyEncoding: { type: "pkcs8", format: "pem" } });
  const wechat = pair();
  const merchant = pair();
  const alipay = pair();
  const app = pair();
  return {
    env: {
      WECHATPAY_PLATFORM_PUBLIC_KEY: oneLine(wechat.publicKey),
      // 32 ASCII characters = the 32-byte AES-256 key WeChat Pay calls the API v3 key.
      WECHATPAY_APIV3_KEY: randomBytes(24).toString("base64url"),
      // A merchant id is 10 digits; a certificate serial is 40 hex digits (upper case, as WeChat Pay shows it).
      WECHATPAY_MCHID: digits(10),
      WECHATPAY_MERCHANT_SERIAL: randomBytes(20).toString("hex").toUpperCase(),
      WECHATPAY_MERCHANT_PRIVATE_KEY: oneLine(merchant.privateKey),
      ALIPAY_PUBLIC_KEY: oneLine(alipay.publicKey),
      // An app id is 16 digits starting 20 (2021…).
      ALIPAY_APP_ID: `20${digits(14)}`,
      ALIPAY_APP_PRIVATE_KEY: oneLine(app.privateKey),
      ACQUIRER_NOTIFY_SECRET: randomBytes(32).toString("base64url"),
    },
    wechatPrivateKey: oneLine(wechat.privateKey),
    alipayPrivateKey: oneLine(alipay.privateKey),
    wechatMerchantPublicKey: oneLine(merchant.publicKey),
    alipayAppPublicKey: oneLine(app.publicKey),
  };
}

/** An RSA-SHA256 signature (base64) over the parts in order; a malformed signature is simply not valid. */
export function rsaSha256Valid(key: KeyObject, parts: (string | Buffer)[], signatureBase64: string): boolean {
  const verifier = createVerify("RSA-SHA256");
  for (const part of parts) verifier.update(part);
  try {
    return verifier.verify(key, signatureBase64, "base64");
  } catch {
    return false;
  }
}
