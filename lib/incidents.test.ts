import { describe, expect, it } from "vitest";
import { incidentsFor, type Incident } from "./incidents";
import type { PaymentStatus } from "./status";

const incident = (over: Partial<Incident> = {}): Incident => ({
  id: 1, channel: "online_bank", valueFrom: "2026-11-19", valueTo: "2026-11-20", messageZh: "银行系统升级", messageEn: "Bank upgrade", ...over,
});
const pending: PaymentStatus = { code: "pending", expectedDate: "2026-11-19", unknownYear: null };
const overdue: PaymentStatus = { code: "overdue", expectedDate: "2026-11-19" };
const posted: PaymentStatus = { code: "posted", postedOn: "2026-11-19", amountFen: 1 };
const payment = { channel: "online_bank", paidDate: "2026-11-18" };

describe("incidentsFor", () => {
  it.each([
    ["pending payment inside the range", incident(), pending, payment, 1],
    ["overdue payment inside the range", incident(), overdue, payment, 1],
    ["any channel", incident({ channel: null }), pending, { ...payment, channel: "pos" }, 1],
    ["another channel", incident({ channel: "wechat" }), pending, payment, 0],
    ["range ends before the payment", incident({ valueFrom: "2026-11-10", valueTo: "2026-11-17" }), pending, payment, 0],
    ["range starts after the expected date", incident({ valueFrom: "2026-11-20", valueTo: "2026-11-21" }), pending, payment, 0],
    ["posted payments need no notice", incident(), posted, payment, 0],
    ["no payment date", incident(), pending, { ...payment, paidDate: null }, 0],
  ] as const)("%s", (_name, i, status, p, count) => {
    expect(incidentsFor([i], status, p)).toHaveLength(count);
  });
});
