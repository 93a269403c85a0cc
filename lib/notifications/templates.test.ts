import { describe, expect, it } from "vitest";
import { renderMessage } from "./templates";
import { NOTIFICATION_KINDS, NOTIFICATION_LOCALES, type NotificationPayload } from "./types";

const ref = "T-7K4M-2Q9X";
const trackingUrl = "https://pay.example.gov.cn/t/T-7K4M-2Q9X";
const cases = NOTIFICATION_KINDS.flatMap((kind) => NOTIFICATION_LOCALES.map((locale) => [kind, locale] as const));

describe("notification templates", () => {
  it.each(cases)("%s in %s: subject, body and SMS carry the reference and link, never the contact", (kind, locale) => {
    for (const to of ["resident@example.com", "13800138000"]) {
      const payload: NotificationPayload = { kind, locale, ticketRef: ref, to, trackingUrl };
      const message = renderMessage(payload);
      expect(message.subject).toContain(ref);
      expect(message.text).toContain(ref);
      expect(message.text).toContain(trackingUrl);
      expect(message.sms).toContain(ref);
      expect(message.sms).toContain(trackingUrl);
      for (const part of Object.values(message)) expect(part).not.toContain(to);
    }
  });

  it("every kind reads differently, and each language is its own", () => {
    for (const locale of NOTIFICATION_LOCALES) {
      const subjects = NOTIFICATION_KINDS.map((kind) => renderMessage({ kind, locale, ticketRef: ref }).subject);
      expect(new Set(subjects).size).toBe(NOTIFICATION_KINDS.length);
    }
    expect(renderMessage({ kind: "ticket_created", locale: "zh-CN", ticketRef: ref }).text).toMatch(/[\u4e00-\u9fff]/);
    expect(renderMessage({ kind: "ticket_created", locale: "en", ticketRef: ref }).text).not.toMatch(/[\u4e00-\u9fff]/);
  });

  it("without a tracking link, points to the link the resident already has", () => {
    const message = renderMessage({ kind: "ticket_resolved", locale: "en", ticketRef: ref });
    expect(message.text).toContain("tracking link");
    expect(message.text).not.toContain("undefined");
    expect(message.sms).not.toContain("undefined");
  });

  it("payment notices carry the status link and the unsubscribe link in mail and SMS", () => {
    const unsubscribeUrl = "https://pay.example.gov.cn/unsubscribe/17.abcdefghijklmnopqrstuv";
    const statusUrl = "https://pay.example.gov.cn/r/2026110000000029?t=abcdefghijklmnopqrstuv";
    for (const kind of ["payment_posted", "payment_overdue", "payment_voided", "payment_refunded", "payment_reversed"] as const) {
      for (const locale of NOTIFICATION_LOCALES) {
        const message = renderMessage({ kind, locale, ticketRef: "…0029", trackingUrl: statusUrl, unsubscribeUrl });
        for (const part of [message.text, message.sms]) {
          expect(part).toContain(unsubscribeUrl);
          expect(part).toContain(statusUrl);
        }
        expect(message.subject).toContain("…0029");
      }
    }
  });

  it("keeps SMS to a short line", () => {
    for (const [kind, locale] of cases) {
      const sms = renderMessage({ kind, locale, ticketRef: ref, trackingUrl }).sms;
      expect(sms).not.toContain("\n");
      expect(sms.length).toBeLessThanOrEqual(locale === "zh-CN" ? 90 : 160);
    }
  });
});
