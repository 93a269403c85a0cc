import { describe, expect, it } from "vitest";
import { accountIn, amountField, dateField, instantField, maskAccount, textField } from "./fields";

describe("amountField", () => {
  it.each([
    ["25.00", 2500],
    ["1,234.50", 123450],
    ["380", 38000],
    ["25.000", 2500],
    [" 0.01 ", 1],
  ])("reads %j as %i fen", (raw, fen) => {
    expect(amountField("amount", raw)).toEqual({ ok: true, value: fen });
  });
  it.each([
    ["1,2,3", "is not an amount"],
    ["", "is empty"],
    ["-5", "is negative"],
    ["1e3", "is not an amount"],
    ["12.345", "is not an amount"],
    ["25.001", "is not an amount"],
  ])("refuses %j", (raw, reason) => {
    const r = amountField("amount", raw);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toContain(reason);
  });
});

describe("dateField", () => {
  it.each([
    ["2026-11-03", "YYYY-MM-DD", "2026-11-03"],
    ["2026/11/03", "YYYY/MM/DD", "2026-11-03"],
    ["2026/1/3", "YYYY/MM/DD", "2026-01-03"],
    ["20261103", "YYYYMMDD", "2026-11-03"],
  ] as const)("reads %j (%s)", (raw, format, iso) => {
    expect(dateField("d", raw, format)).toEqual({ ok: true, value: iso });
  });
  it.each([
    ["2026-02-30", "YYYY-MM-DD"],
    ["2026/11/03", "YYYY-MM-DD"],
    ["03/11/2026", "YYYY/MM/DD"],
    ["", "YYYYMMDD"],
    ["2026-11-03 14:03:11", "YYYY-MM-DD"],
  ] as const)("refuses %j (%s)", (raw, format) => {
    expect(dateField("d", raw, format).ok).toBe(false);
  });
});

describe("dateField, every year-first form a Chinese export writes", () => {
  it.each([
    ["2025-08-22", "2025-08-22"],
    ["2025-08-22 14:03:11", "2025-08-22"],
    ["2025/8/22", "2025-08-22"],
    ["2025/08/22 14:03", "2025-08-22"],
    ["2025.8.2", "2025-08-02"],
    ["20240101", "2024-01-01"],
    ["20240101 120000", "2024-01-01"],
    ["2024年01月01日", "2024-01-01"],
    ["2024年1月1日 09:30:00", "2024-01-01"],
    ["2025-08-22T14:03:11", "2025-08-22"],
  ])("reads %j", (raw, iso) => {
    expect(dateField("d", raw, "year-first")).toEqual({ ok: true, value: iso });
  });
  it.each(["22/08/2025", "2025-02-30", "2025-08-22 下午", "202401011", "2024年13月01日", ""])("refuses %j", (raw) => {
    expect(dateField("d", raw, "year-first")).toEqual({ ok: false, reason: `d "${raw}" is not a date (e.g. 2025-08-22)` });
  });
});

describe("instantField", () => {
  it.each([
    ["2026-11-03T10:15:00+08:00", "2026-11-03T02:15:00.000Z"],
    ["2026-11-03T02:15:00Z", "2026-11-03T02:15:00.000Z"],
    ["2026-11-03 10:15+0800", "2026-11-03T02:15:00.000Z"],
    ["2026-11-03T10:15:00.250+08:00", "2026-11-03T02:15:00.250Z"],
  ])("reads %j", (raw, iso) => {
    const r = instantField("paid_at", raw);
    expect(r.ok && r.value.toISOString()).toBe(iso);
  });
  it.each(["2026-11-03T10:15:00", "2026-11-03", "2026-13-03T10:15:00Z", "2026-11-03T24:00:00Z", "yesterday"])("refuses %j", (raw) => {
    expect(instantField("paid_at", raw).ok).toBe(false);
  });
});

describe("maskAccount", () => {
  it.each([
    ["6222021234567890123", "6222***********0123"],
    ["6222 0212 3456 7890", "6222********7890"],
    ["123456789", "1234*6789"],
    ["12345678", "****5678"],
    ["1234", "****"],
    ["", null],
  ])("masks %j", (raw, masked) => {
    expect(maskAccount(raw)).toBe(masked);
  });
});

describe("accountIn", () => {
  it.each([
    ["6222021234567890123", "6222***********0123"],
    ["6222 0212 3456 7890", "6222********7890"],
    ["6222****1234", "6222****1234"],
    ["张三 6222021234561234 中国农业银行", "6222********1234"],
    ["6217****5678/李四", "6217****5678"],
    ["李四", null],
    ["zha***@163.com", null],
    ["某公司 1234567", null],
    ["", null],
  ])("finds the account in %j", (raw, masked) => {
    expect(accountIn(raw)).toBe(masked);
  });
});

describe("textField", () => {
  it("collapses white space and keeps empty as null", () => {
    expect(textField("  a \r\n b  ")).toBe("a b");
    expect(textField("   ")).toBeNull();
    expect(textField(undefined)).toBeNull();
  });
});
