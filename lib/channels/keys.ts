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

export type TestKeySet = {
  /** Environment lines for paystatus (public halves and shared secrets). */
  env: Record<"WECHATPAY_PLATFORM_PUBLIC_KEY" | "WECHATPAY_APIV3_KEY" | "ALIPAY_PUBLIC_KEY" | "ACQUIRER_NOTIFY_SECRET", string>;
  /** The private halves, for whoever plays the channel in a test (`npm run channel -- notify`). */
  wechatPrivateKey: string;
  alipayPrivateKey: string;
};

const oneLine = (pem: string) => pem.trim().replaceAll("\n", "\\n");

/** A fresh set of test keys: two RSA-2048 key pairs, a 32-character API v3 key and an HMAC secret. */
export function generateTestKeys(): TestKeySet {
  const pair = () => generateKeyPairSync("rsa", { modulusLength: 2048, publicKeyEncoding: { type: "spki", format: "pem" }, privateKeyEncoding: { type: "pkcs8", format: "pem" } });
  const wechat = pair();
  const alipay = pair();
  return {
    env: {
      WECHATPAY_PLATFORM_PUBLIC_KEY: oneLine(wechat.publicKey),
      // 32 ASCII characters = the 32-byte AES-256 key WeChat Pay calls the API v3 key.
      WECHATPAY_APIV3_KEY: randomBytes(24).toString("base64url"),
      ALIPAY_PUBLIC_KEY: oneLine(alipay.publicKey),
      ACQUIRER_NOTIFY_SECRET: randomBytes(32).toString("base64url"),
    },
    wechatPrivateKey: oneLine(wechat.privateKey),
    alipayPrivateKey: oneLine(alipay.privateKey),
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
