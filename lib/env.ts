import { z } from "zod";
import { isRsaPrivateKey, isRsaPublicKey } from "./channels/keys";
import { isValidTimeZone } from "./dates";
import { receiptFormatFrom, type ReceiptFormat } from "./receipt-number";

/**
 * Configuration from the environment, validated once. A bad value stops the
 * process with one line naming the variable (never a stack trace, never the
 * value: it may be a secret).
 */

const secret = (name: string) =>
  z
    .string({ error: `${name} is required (at least 32 characters; see .env.example)` })
    .min(32, { error: `${name} must be at least 32 characters` });

/** A whole number in [min, max]; every way of missing it (not a number, a fraction, out of range) gets the one message. */
const wholeNumber = (message: string, min: number, max: number) =>
  z.coerce.number({ error: message }).int({ error: message }).min(min, { error: message }).max(max, { error: message });

const optional = (schema: z.ZodType<string>) => z.preprocess((v) => (v === "" ? undefined : v), schema.optional());

const schema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  DATABASE_URL: optional(
    z.string().refine(
      (v) => {
        try {
          const url = new URL(v);
          return (url.protocol === "postgres:" || url.protocol === "postgresql:") && url.hostname !== "";
        } catch {
          return false;
        }
      },
      { error: "DATABASE_URL must look like postgres://user@host:5432/dbname" },
    ),
  ),
  /** Connections per instance (postgres.js pool); instances × pool must stay under the server's max_connections. */
  DATABASE_POOL_SIZE: wholeNumber("DATABASE_POOL_SIZE must be a whole number from 1 to 100", 1, 100).default(10),
  PGLITE_DIR: z.string().default(".data/pglite"),
  AUTH_SECRET: secret("AUTH_SECRET"),
  RECEIPT_LINK_SECRET: secret("RECEIPT_LINK_SECRET"),
  PORT: wholeNumber("PORT must be a number between 1 and 65535", 1, 65535).default(3000),
  TZ: z
    .string()
    .default("Asia/Shanghai")
    .refine(isValidTimeZone, { error: "TZ must be an IANA time zone such as Asia/Shanghai" }),
  UPLOAD_DIR: z.string().default(".data/uploads"),
  /** Where proof uploads live: in PostgreSQL (commits with the ticket, every instance sees it) or under UPLOAD_DIR. */
  UPLOAD_STORAGE: z.enum(["database", "filesystem"], { error: "UPLOAD_STORAGE must be database or filesystem" }).default("database"),
  PUBLIC_BASE_URL: optional(z.url({ error: "PUBLIC_BASE_URL must be an absolute URL such as https://pay.example.gov.cn" })),
  /**
   * Reverse proxies in front of the app that append to X-Forwarded-For (rate limits key on the client the
   * outermost one saw). 0: none, the socket address is the client and forwarded headers are ignored.
   */
  TRUSTED_PROXY_HOPS: wholeNumber("TRUSTED_PROXY_HOPS must be a whole number from 0 to 5", 0, 5).default(0),
  /** Days after resolution (or closing) that a ticket keeps the payer's contact, proofs and free text (PIPL). */
  RETENTION_DAYS: wholeNumber("RETENTION_DAYS must be a whole number of days from 1 to 3650", 1, 3650).default(180),
  /**
   * The help page (/help) and every page's footer: the service hotline, opening hours and counter
   * addresses (several separated by "|"). Deployment facts that change with the office, so they are
   * environment settings beside PUBLIC_BASE_URL rather than admin data; hours and counters fall back
   * to the catalogue's wording when unset.
   */
  HELP_HOTLINE: z.string().trim().regex(/^[0-9+\- ]{3,20}$/, { error: "HELP_HOTLINE must be a phone number such as 12345 or 010-12345678" }).default("12345"),
  HELP_HOURS_ZH: optional(z.string().max(200)),
  HELP_HOURS_EN: optional(z.string().max(200)),
  HELP_COUNTERS_ZH: optional(z.string().max(2000)),
  HELP_COUNTERS_EN: optional(z.string().max(2000)),
  RECEIPT_NO_PATTERN: optional(z.string()),
  RECEIPT_NO_CHECK: z.enum(["luhn", "none"], { error: "RECEIPT_NO_CHECK must be luhn or none" }).default("luhn"),
  /** Notifications by email: smtp://user:pass@host:587 or smtps://…:465 (unset: email notifications stay queued). */
  SMTP_URL: optional(z.string().refine((v) => urlWithProtocol(v, ["smtp:", "smtps:"]), { error: "SMTP_URL must look like smtp://user:pass@host:587 or smtps://user:pass@host:465" })),
  MAIL_FROM: optional(z.string().refine((v) => /^[^\r\n]*@[^\r\n]+$/.test(v), { error: "MAIL_FROM must be a sender address such as 缴费查询 <no-reply@pay.example.gov.cn>" })),
  /** Notifications to phone numbers: POSTed, signed, to an SMS gateway or other receiver. */
  NOTIFY_WEBHOOK_URL: optional(z.string().refine((v) => urlWithProtocol(v, ["http:", "https:"]), { error: "NOTIFY_WEBHOOK_URL must be an http(s) URL" })),
  NOTIFY_WEBHOOK_SECRET: optional(z.string().min(16, { error: "NOTIFY_WEBHOOK_SECRET must be at least 16 characters" })),
  /** Payment notifications from the channels (issue 14): each channel's endpoint is off while its key is unset. */
  WECHATPAY_PLATFORM_PUBLIC_KEY: optional(z.string().refine(isRsaPublicKey, { error: "WECHATPAY_PLATFORM_PUBLIC_KEY must be an RSA public key (PEM, or base64 DER)" })),
  WECHATPAY_APIV3_KEY: optional(z.string().refine((v) => Buffer.byteLength(v, "utf8") === 32, { error: "WECHATPAY_APIV3_KEY must be the 32-character API v3 key" })),
  ALIPAY_PUBLIC_KEY: optional(z.string().refine(isRsaPublicKey, { error: "ALIPAY_PUBLIC_KEY must be an RSA public key (PEM, or base64 DER as the Alipay console shows it)" })),
  ACQUIRER_NOTIFY_SECRET: optional(z.string().min(32, { error: "ACQUIRER_NOTIFY_SECRET must be at least 32 characters" })),
  /** Active order queries (worker job query_channel_orders): off while the channel's base URL is unset. */
  WECHATPAY_QUERY_BASE_URL: optional(z.string().refine((v) => urlWithProtocol(v, ["http:", "https:"]), { error: "WECHATPAY_QUERY_BASE_URL must be an http(s) URL such as https://api.mch.weixin.qq.com" })),
  WECHATPAY_MCHID: optional(z.string().regex(/^\d{1,32}$/, { error: "WECHATPAY_MCHID must be the merchant id (digits)" })),
  WECHATPAY_MERCHANT_SERIAL: optional(z.string().regex(/^[0-9A-Fa-f]{8,64}$/, { error: "WECHATPAY_MERCHANT_SERIAL must be the merchant certificate's serial number (hex)" })),
  WECHATPAY_MERCHANT_PRIVATE_KEY: optional(z.string().refine(isRsaPrivateKey, { error: "WECHATPAY_MERCHANT_PRIVATE_KEY must be an RSA private key (PEM)" })),
  ALIPAY_GATEWAY_URL: optional(z.string().refine((v) => urlWithProtocol(v, ["http:", "https:"]), { error: "ALIPAY_GATEWAY_URL must be an http(s) URL such as https://openapi.alipay.com/gateway.do" })),
  ALIPAY_APP_ID: optional(z.string().regex(/^\d{1,32}$/, { error: "ALIPAY_APP_ID must be the application id (digits)" })),
  ALIPAY_APP_PRIVATE_KEY: optional(z.string().refine(isRsaPrivateKey, { error: "ALIPAY_APP_PRIVATE_KEY must be an RSA private key (PEM)" })),
}).superRefine((config, ctx) => {
  // SPEC §3.6: links in notifications are built from it, never from a request's Host.
  if (config.NODE_ENV === "production" && !config.PUBLIC_BASE_URL) {
    ctx.addIssue({ code: "custom", path: ["PUBLIC_BASE_URL"], message: "PUBLIC_BASE_URL is required in production (the origin residents open, such as https://pay.example.gov.cn)" });
  }
  if (Boolean(config.WECHATPAY_PLATFORM_PUBLIC_KEY) !== Boolean(config.WECHATPAY_APIV3_KEY)) {
    const missing = config.WECHATPAY_PLATFORM_PUBLIC_KEY ? "WECHATPAY_APIV3_KEY" : "WECHATPAY_PLATFORM_PUBLIC_KEY";
    ctx.addIssue({ code: "custom", path: [missing], message: `${missing} is required with the other WeChat Pay key (notifications are signed and encrypted)` });
  }
  const needs = (when: string | undefined, what: string, names: [string, string | undefined][]) => {
    for (const [name, value] of names) if (when && !value) ctx.addIssue({ code: "custom", path: [name], message: `${name} is required when ${what} is set` });
  };
  needs(config.WECHATPAY_QUERY_BASE_URL, "WECHATPAY_QUERY_BASE_URL", [
    ["WECHATPAY_MCHID", config.WECHATPAY_MCHID],
    ["WECHATPAY_MERCHANT_SERIAL", config.WECHATPAY_MERCHANT_SERIAL],
    ["WECHATPAY_MERCHANT_PRIVATE_KEY", config.WECHATPAY_MERCHANT_PRIVATE_KEY],
    ["WECHATPAY_PLATFORM_PUBLIC_KEY", config.WECHATPAY_PLATFORM_PUBLIC_KEY],
  ]);
  needs(config.ALIPAY_GATEWAY_URL, "ALIPAY_GATEWAY_URL", [
    ["ALIPAY_APP_ID", config.ALIPAY_APP_ID],
    ["ALIPAY_APP_PRIVATE_KEY", config.ALIPAY_APP_PRIVATE_KEY],
    ["ALIPAY_PUBLIC_KEY", config.ALIPAY_PUBLIC_KEY],
  ]);
  if (config.SMTP_URL && !config.MAIL_FROM) ctx.addIssue({ code: "custom", path: ["MAIL_FROM"], message: "MAIL_FROM is required when SMTP_URL is set" });
  if (config.NOTIFY_WEBHOOK_URL && !config.NOTIFY_WEBHOOK_SECRET) {
    ctx.addIssue({ code: "custom", path: ["NOTIFY_WEBHOOK_SECRET"], message: "NOTIFY_WEBHOOK_SECRET is required when NOTIFY_WEBHOOK_URL is set (it signs every request)" });
  }
});

function urlWithProtocol(value: string, protocols: string[]): boolean {
  try {
    const url = new URL(value);
    return protocols.includes(url.protocol) && url.hostname !== "";
  } catch {
    return false;
  }
}

export type Env = z.infer<typeof schema> & {
  receiptFormat: ReceiptFormat;
  /**
   * Whether cookies carry Secure and pages ask for https: in production, unless PAYSTATUS_INSECURE_COOKIES=1
   * (the demo and the browser tests serve plain http://localhost). Every cookie and the CSP read this one setting.
   */
  secureCookies: boolean;
};

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

/** Development and test runs get fixed, clearly-named insecure secrets; production must bring its own. */
const DEV_SECRETS = {
  AUTH_SECRET: "dev-only-auth-secret-not-for-production-use",
  RECEIPT_LINK_SECRET: "dev-only-receipt-link-secret-not-for-production",
};

export function parseEnv(source: Record<string, string | undefined>): Env {
  // An empty variable (`UPLOAD_STORAGE=` in a copied .env.example) means "not set": its default applies.
  const input = Object.fromEntries(Object.entries(source).filter(([, value]) => value !== ""));
  if (input.NODE_ENV !== "production") {
    input.AUTH_SECRET ||= DEV_SECRETS.AUTH_SECRET;
    input.RECEIPT_LINK_SECRET ||= DEV_SECRETS.RECEIPT_LINK_SECRET;
  }
  const result = schema.safeParse(input);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const name = String(issue.path[0] ?? "environment");
    const message = issue.message.includes(name) ? issue.message : `${name}: ${issue.message}`;
    throw new ConfigError(`Configuration error: ${message}`);
  }
  let receiptFormat: ReceiptFormat;
  try {
    receiptFormat = receiptFormatFrom(result.data.RECEIPT_NO_PATTERN, result.data.RECEIPT_NO_CHECK);
  } catch {
    throw new ConfigError("Configuration error: RECEIPT_NO_PATTERN is not a valid regular expression");
  }
  return { ...result.data, receiptFormat, secureCookies: result.data.NODE_ENV === "production" && input.PAYSTATUS_INSECURE_COOKIES !== "1" };
}

let cached: Env | undefined;

export function env(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}
