import { describe, expect, it } from "vitest";
import { parseEnv } from "@/lib/env";
import { smtpErrorCode } from "./smtp";
import { channelForContact, failureCode, TransportError } from "./types";
import { webhookBody, webhookSignature } from "./webhook";
import { createHmac } from "node:crypto";

const base = { NODE_ENV: "production", AUTH_SECRET: "a".repeat(32), RECEIPT_LINK_SECRET: "b".repeat(32), PUBLIC_BASE_URL: "https://pay.example.gov.cn" };

describe("notification settings", () => {
  it("are optional", () => {
    const env = parseEnv(base);
    expect(env.SMTP_URL).toBeUndefined();
    expect(env.NOTIFY_WEBHOOK_URL).toBeUndefined();
  });

  it("accept SMTP and webhook URLs", () => {
    const env = parseEnv({
      ...base,
      SMTP_URL: "smtps://user:pass@mail.example.gov.cn:465",
      MAIL_FROM: "缴费查询 <no-reply@pay.example.gov.cn>",
      NOTIFY_WEBHOOK_URL: "https://sms.example.gov.cn/hook",
      NOTIFY_WEBHOOK_SECRET: "s".repeat(32),
    });
    expect(env.SMTP_URL).toMatch(/^smtps:/);
  });

  it.each([
    [{ SMTP_URL: "http://u:hunter2@mail.example.com", MAIL_FROM: "a@b.c" }, "SMTP_URL must look like smtp://"],
    [{ SMTP_URL: "smtp://mail.example.com:587" }, "MAIL_FROM is required when SMTP_URL is set"],
    [{ MAIL_FROM: "nobody" }, "MAIL_FROM must be a sender address"],
    [{ NOTIFY_WEBHOOK_URL: "ftp://x.example.com", NOTIFY_WEBHOOK_SECRET: "s".repeat(32) }, "NOTIFY_WEBHOOK_URL must be an http(s) URL"],
    [{ NOTIFY_WEBHOOK_URL: "https://x.example.com/hook" }, "NOTIFY_WEBHOOK_SECRET is required when NOTIFY_WEBHOOK_URL is set"],
    [{ NOTIFY_WEBHOOK_SECRET: "hunter2" }, "NOTIFY_WEBHOOK_SECRET must be at least 16 characters"],
  ])("%# refuse a bad value with one line naming the variable, without echoing it", (extra, message) => {
    expect(() => parseEnv({ ...base, ...extra })).toThrow(message);
    try {
      parseEnv({ ...base, ...extra });
    } catch (e) {
      expect((e as Error).message).not.toContain("\n");
      expect((e as Error).message).not.toContain("hunter2");
    }
  });
});

describe("transport helpers", () => {
  it("route email addresses to email and phone numbers to the webhook", () => {
    expect(channelForContact("resident@example.com")).toBe("email");
    expect(channelForContact("13800138000")).toBe("webhook");
  });

  it("sign the exact body with HMAC-SHA256", () => {
    const body = JSON.stringify(webhookBody({ channel: "webhook", dedupeKey: "k1", payload: { kind: "ticket_created", ticketRef: "T-2222-3333", locale: "en", to: "13800138000" } }));
    expect(webhookSignature("secret-secret-secret", body)).toBe(`sha256=${createHmac("sha256", "secret-secret-secret").update(body).digest("hex")}`);
    expect(JSON.parse(body)).toMatchObject({ dedupe_key: "k1", kind: "ticket_created", ticket_ref: "T-2222-3333", locale: "en", to: "13800138000" });
  });

  it("reduce failures to codes that cannot carry an address", () => {
    expect(smtpErrorCode({ responseCode: 550, message: "550 <resident@example.com> unknown" })).toBe("smtp_550");
    expect(smtpErrorCode({ code: "ECONNECTION", message: "connect ECONNREFUSED" })).toBe("smtp_econnection");
    expect(smtpErrorCode({ code: "resident@example.com" })).toBe("smtp_error");
    expect(failureCode(new TransportError("webhook_http_503"))).toBe("webhook_http_503");
    expect(failureCode(new Error("resident@example.com"))).toBe("unexpected");
  });
});
