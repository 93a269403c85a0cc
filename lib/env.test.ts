import { describe, expect, it } from "vitest";
import { generateTestKeys } from "./channels/keys";
import { parseEnv } from "./env";

const channelKeys = generateTestKeys();

const good = {
  NODE_ENV: "production",
  AUTH_SECRET: "a".repeat(32),
  RECEIPT_LINK_SECRET: "b".repeat(32),
  PUBLIC_BASE_URL: "https://pay.example.gov.cn",
};

describe("parseEnv", () => {
  it("applies the documented defaults", () => {
    const env = parseEnv(good);
    expect(env).toMatchObject({ PORT: 3000, TZ: "Asia/Shanghai", UPLOAD_DIR: ".data/uploads", TRUSTED_PROXY_HOPS: 0, RETENTION_DAYS: 180 });
    expect(env.DATABASE_URL).toBeUndefined();
  });

  it("treats an empty variable as unset, so its default applies", () => {
    const env = parseEnv({ ...good, UPLOAD_STORAGE: "", PORT: "", DATABASE_URL: "" });
    expect(env).toMatchObject({ UPLOAD_STORAGE: "database", PORT: 3000 });
    expect(env.DATABASE_URL).toBeUndefined();
    expect(() => parseEnv({ ...good, AUTH_SECRET: "" })).toThrow("Configuration error: AUTH_SECRET is required");
  });

  it.each([
    ["production", undefined, true],
    ["production", "1", false],
    ["production", "0", true],
    ["development", undefined, false],
    ["test", undefined, false],
  ])("NODE_ENV=%s, PAYSTATUS_INSECURE_COOKIES=%s → secure cookies %s", (nodeEnv, insecure, secure) => {
    expect(parseEnv({ ...good, NODE_ENV: nodeEnv, PAYSTATUS_INSECURE_COOKIES: insecure }).secureCookies).toBe(secure);
  });

  it("fills insecure secrets only outside production", () => {
    expect(parseEnv({ NODE_ENV: "development" }).AUTH_SECRET).toMatch(/^dev-only/);
  });

  it.each([
    [{ ...good, RECEIPT_LINK_SECRET: undefined }, "Configuration error: RECEIPT_LINK_SECRET is required (at least 32 characters; see .env.example)"],
    [{ ...good, AUTH_SECRET: "short" }, "Configuration error: AUTH_SECRET must be at least 32 characters"],
    [{ ...good, DATABASE_URL: "mysql://x" }, "Configuration error: DATABASE_URL must look like postgres://user@host:5432/dbname"],
    [{ ...good, DATABASE_URL: "not a url" }, "Configuration error: DATABASE_URL must look like postgres://user@host:5432/dbname"],
    [{ ...good, DATABASE_POOL_SIZE: "ten" }, "Configuration error: DATABASE_POOL_SIZE must be a whole number from 1 to 100"],
    [{ ...good, DATABASE_POOL_SIZE: "0" }, "Configuration error: DATABASE_POOL_SIZE must be a whole number from 1 to 100"],
    [{ ...good, PORT: "eighty" }, "Configuration error: PORT must be a number between 1 and 65535"],
    [{ ...good, PORT: "70000" }, "Configuration error: PORT must be a number between 1 and 65535"],
    [{ ...good, PORT: "80.5" }, "Configuration error: PORT must be a number between 1 and 65535"],
    [{ ...good, TRUSTED_PROXY_HOPS: "-1" }, "Configuration error: TRUSTED_PROXY_HOPS must be a whole number from 0 to 5"],
    [{ ...good, TRUSTED_PROXY_HOPS: "1.5" }, "Configuration error: TRUSTED_PROXY_HOPS must be a whole number from 0 to 5"],
    [{ ...good, PUBLIC_BASE_URL: undefined }, "Configuration error: PUBLIC_BASE_URL is required in production"],
    [{ ...good, RETENTION_DAYS: "0" }, "Configuration error: RETENTION_DAYS must be a whole number of days from 1 to 3650"],
    [{ ...good, TZ: "Mars/Olympus" }, "Configuration error: TZ must be an IANA time zone such as Asia/Shanghai"],
    [{ ...good, RECEIPT_NO_CHECK: "crc" }, "Configuration error: RECEIPT_NO_CHECK must be luhn or none"],
    [{ ...good, RECEIPT_NO_PATTERN: "([" }, "Configuration error: RECEIPT_NO_PATTERN is not a valid regular expression"],
    [{ ...good, ALIPAY_PUBLIC_KEY: "MIIBIjANBgkq-not-a-key" }, "Configuration error: ALIPAY_PUBLIC_KEY must be an RSA public key (PEM, or base64 DER as the Alipay console shows it)"],
    [{ ...good, WECHATPAY_PLATFORM_PUBLIC_KEY: "nope", WECHATPAY_APIV3_KEY: "k".repeat(32) }, "Configuration error: WECHATPAY_PLATFORM_PUBLIC_KEY must be an RSA public key (PEM, or base64 DER)"],
    [{ ...good, ...channelKeys.env, WECHATPAY_APIV3_KEY: "k".repeat(31) }, "Configuration error: WECHATPAY_APIV3_KEY must be the 32-character API v3 key"],
    [{ ...good, ...channelKeys.env, WECHATPAY_APIV3_KEY: undefined }, "Configuration error: WECHATPAY_APIV3_KEY is required with the other WeChat Pay key (notifications are signed and encrypted)"],
    [{ ...good, ACQUIRER_NOTIFY_SECRET: "short" }, "Configuration error: ACQUIRER_NOTIFY_SECRET must be at least 32 characters"],
  ])("%# refuses with one line naming the variable", (source, message) => {
    expect(() => parseEnv(source)).toThrow(message);
    try {
      parseEnv(source);
    } catch (e) {
      expect((e as Error).message).not.toContain("\n");
    }
  });

  it("takes a generated set of channel keys; each channel stays off while unset", () => {
    expect(parseEnv({ ...good, ...channelKeys.env })).toMatchObject(channelKeys.env);
    expect(parseEnv(good).ACQUIRER_NOTIFY_SECRET).toBeUndefined();
  });

  it("never echoes a secret value", () => {
    expect(() => parseEnv({ ...good, AUTH_SECRET: "hunter2" })).toThrow(/^(?!.*hunter2)/);
  });
});
