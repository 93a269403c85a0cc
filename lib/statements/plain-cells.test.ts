import { describe, expect, it } from "vitest";
import { amountField, dateField, instantField, maskAccount, textField } from "./fields";
import { parseYuan } from "../money";
import { digitsOnly, plainAccount, plainAmount, plainDate, plainFen, plainInstant, plainPositiveAmount, plainText, splitPlainLine, tidyText } from "./plain-cells";

/** Every string of up to `length` characters over `alphabet`. */
function* strings(alphabet: string, length: number): Generator<string> {
  yield "";
  let level = [""];
  for (let n = 1; n <= length; n++) {
    level = level.flatMap((s) => [...alphabet].map((c) => s + c));
    yield* level;
  }
}

describe("plain cells: each is stricter than the parser's rule, and reads the same", () => {
  it("plainAmount is exactly the two patterns of plain yuan, at most 8 digits before the point, and every one the parser reads", () => {
    const spec = (s: string) =>
      (/^[0-9]+(\.[0-9][0-9]?)?$/.test(s) || /^[0-9]{1,3}(,[0-9]{3})+(\.[0-9][0-9]?)?$/.test(s)) && s.split(".")[0]!.replaceAll(",", "").length <= 8;
    let plain = 0;
    for (const s of strings("01,.", 8)) {
      expect(plainAmount(s), s).toBe(spec(s));
      expect(plainFen(s) >= 0, s).toBe(spec(s));
      if (!plainAmount(s)) continue;
      plain++;
      expect(amountField("amount", s), s).toEqual({ ok: true, value: Math.round(Number(s.replaceAll(",", "")) * 100) });
      expect(parseYuan(s), s).toEqual({ ok: true, fen: plainFen(s) });
    }
    expect(plain).toBeGreaterThan(500);
  });

  it.each([
    ["25.00", true],
    ["7", true],
    ["0.5", true],
    ["1,234.50", true],
    ["99,999,999.99", true],
    ["100,000,000.00", false],
    ["123456789", false],
    ["0,123.00", true],
    ["12,34.50", false],
    ["1234,567.00", false],
    [",123.00", false],
    ["1.234", false],
    ["1,234.", false],
    [".50", false],
    ["２５.００", false],
    [" 25.00", false],
    ["+3.00", false],
    ["-5.00", false],
    ["", false],
  ])("plainAmount(%j) is %s", (cell, plain) => {
    expect(plainAmount(cell)).toBe(plain);
  });

  it.each([
    ["25.00", true],
    ["0.01", true],
    ["0.00", false],
    ["0", false],
    ["000.0", false],
  ])("plainPositiveAmount(%j) is %s", (cell, plain) => {
    expect(plainPositiveAmount(cell)).toBe(plain);
  });

  it("plainDate takes every real day of 1900–2099 in each format, as the parser reads it, and nothing else", () => {
    const formats = ["YYYY-MM-DD", "YYYY/MM/DD", "YYYYMMDD"] as const;
    for (const year of [1899, 1900, 1999, 2000, 2024, 2026, 2099, 2100]) {
      for (let month = 0; month <= 13; month++) {
        for (let day = 0; day <= 32; day++) {
          const [y, m, d] = [String(year), String(month).padStart(2, "0"), String(day).padStart(2, "0")];
          const cells = { "YYYY-MM-DD": `${y}-${m}-${d}`, "YYYY/MM/DD": `${y}/${m}/${d}`, YYYYMMDD: `${y}${m}${d}` };
          for (const format of formats) {
            const parsed = dateField("date", cells[format], format);
            const inRange = year >= 1900 && year <= 2099;
            expect(plainDate(cells[format], format), cells[format]).toBe(parsed.ok && inRange);
            if (plainDate(cells[format], format)) expect(parsed).toEqual({ ok: true, value: `${y}-${m}-${d}` });
          }
        }
      }
    }
  });

  it.each([
    ["2026-11-4", "YYYY-MM-DD"],
    ["2026-11-04 ", "YYYY-MM-DD"],
    ["2026/11/04", "YYYY-MM-DD"],
    ["2026-11-04", "YYYY/MM/DD"],
    ["2026-1104", "YYYYMMDD"],
    ["２０２６-11-04", "YYYY-MM-DD"],
  ] as const)("plainDate(%j, %s) leaves the cell to the parser", (cell, format) => {
    expect(plainDate(cell, format)).toBe(false);
  });

  it.each([
    ["2026-11-03T10:15:00+08:00", true],
    ["2026-11-03T02:15:00Z", true],
    ["2026-11-03T10:15:00-05:30", true],
    ["2024-02-29T23:59:59+14:59", true],
    ["2026-02-29T10:00:00+08:00", false],
    ["2026-11-03T24:00:00+08:00", false],
    ["2026-11-03T10:60:00+08:00", false],
    ["2026-11-03T10:15:60+08:00", false],
    ["2026-11-03T10:15:00+15:00", false],
    ["2026-11-03T10:15:00+08:60", false],
    ["2026-11-03 10:15:00+08:00", false],
    ["2026-11-03T10:15+08:00", false],
    ["2026-11-03T10:15:00+0800", false],
    ["2026-11-03T10:15:00.5+08:00", false],
    ["2026-11-03T10:15:00", false],
    ["1899-12-31T10:15:00Z", false],
    ["", false],
  ])("plainInstant(%j) is %s, and the parser reads every plain one", (cell, plain) => {
    expect(plainInstant(cell)).toBe(plain);
    if (plain) expect(instantField("paid_at", cell)).toEqual({ ok: true, value: new Date(cell) });
  });

  it.each([
    ["张伟", 200, true],
    ["Jane Smith", 200, true],
    ["欧阳晓明", 12, true],
    ["欧阳晓明", 11, false],
    ["", 10, true],
    [" Jane", 200, false],
    ["Jane ", 200, false],
    ["Jane  Smith", 200, false],
    ["Jane\tSmith", 200, false],
    ["户籍\u3000缴费", 200, false],
    ["a\u00a0b", 200, false],
    ["\ufeffa", 200, false],
    ["a\u2028b", 200, false],
    ["a\u007fb", 200, false],
    ["a\u0085b", 200, false],
  ])("plainText(%j, %i) is %s, and a plain text is stored unchanged", (cell, max, plain) => {
    expect(plainText(cell, max)).toBe(plain);
    if (plain && cell) expect(textField(cell)).toBe(cell);
  });

  it("plainText counts UTF-8 bytes, not characters", () => {
    expect(plainText("缴".repeat(66), 200)).toBe(true);
    expect(plainText("缴".repeat(67), 200)).toBe(false);
    expect(plainText("a".repeat(200), 200)).toBe(true);
    expect(plainText("a".repeat(201), 200)).toBe(false);
  });

  it.each([
    ["2026000000000016", 16, true],
    ["202600000000001", 16, false],
    ["2026 0000 0000 0016", 16, false],
    ["２０２６000000000016", 16, false],
  ])("digitsOnly(%j, %i) is %s", (cell, length, plain) => {
    expect(digitsOnly(cell, length)).toBe(plain);
  });

  it.each(["6222********1234", "6217 **** **** 5678", "6222-0212-3456-7890", "****1234", "", "12"])("plainAccount(%j), masked as the parser masks it", (cell) => {
    expect(plainAccount(cell)).toBe(true);
    expect(maskAccount(cell)).toBe(maskAccount(cell.replace(/[ -]/g, "")));
  });

  it.each(["６２２２**1234", "CN6222", "6222\t1234", "6222\u30001234", "6222_1234"])("plainAccount(%j) leaves the cell to the parser", (cell) => {
    expect(plainAccount(cell)).toBe(false);
  });

  it.each([
    ["a,b,c", ["a", "b", "c"]],
    ["a,,c", ["a", "", "c"]],
    [",", ["", ""]],
    ["a,b,", ["a", "b", ""]],
    ['"1,234.50",b', ["1,234.50", "b"]],
    ['a,"b"', ["a", "b"]],
    ['"",x', ["", "x"]],
    ['"a",', ["a", ""]],
    ['"a""b",c', null],
    ['"a"b,c', null],
    ['a"b,c', null],
    [' "a",c', null],
    ['"a', null],
  ])("splitPlainLine(%j) gives PostgreSQL's cells, or leaves the line to the parser", (line, cells) => {
    expect(splitPlainLine(line, [])).toEqual(cells);
  });
});

describe("the field rules' fast paths for plain cells give what their full rules give", () => {
  // The rules as they were before the fast paths, as the specification.
  const fullText = (raw: string, max = 500) => raw.replace(/[\s\u0000-\u001f\u007f]+/g, " ").trim().slice(0, max) || null;
  const fullAccount = (raw: string) => {
    const account = raw.normalize("NFKC").replace(/[\s-]/g, "");
    if (account === "") return null;
    if (account.length > 8) return `${account.slice(0, 4)}${"*".repeat(account.length - 8)}${account.slice(-4)}`;
    return account.length > 4 ? `${"*".repeat(account.length - 4)}${account.slice(-4)}` : "*".repeat(account.length);
  };

  it("textField: every string of up to 4 characters of letters, Chinese and each kind of white space", () => {
    let tidy = 0;
    for (const s of strings("a缴 \t\u3000\u00a0\u0085\u007f", 4)) {
      expect(textField(s), JSON.stringify(s)).toBe(fullText(s));
      expect(textField(s, 2), JSON.stringify(s)).toBe(fullText(s, 2));
      if (tidyText(s)) tidy++;
    }
    expect(tidy).toBeGreaterThanOrEqual(50);
  });

  it("maskAccount: every string of up to 6 characters of digits, letters, stars and separators", () => {
    for (const s of strings("19A*- ", 6)) expect(maskAccount(s), JSON.stringify(s)).toBe(fullAccount(s));
    for (const s of ["6222********0000", "6217 **** **** 0005", "CN12ＡＢ34567890", "DE89370400440532013000", "１２３４５６７８９"]) expect(maskAccount(s), s).toBe(fullAccount(s));
  });

  it.each(["2026-10-02", "2024-02-29", "2023-02-29", "2026-1-2", " 2026-10-02", "2026-13-01", "1899-12-31", "2100-01-01", "２０２６-10-02"])("dateField(%j) as YYYY-MM-DD", (s) => {
    const rule = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(s.trim());
    const iso = rule ? `${rule[1]}-${rule[2]!.padStart(2, "0")}-${rule[3]!.padStart(2, "0")}` : "";
    const field = dateField("d", s, "YYYY-MM-DD");
    if (plainDate(s, "YYYY-MM-DD")) expect(field).toEqual({ ok: true, value: iso });
    else expect(field.ok ? field.value : null).toBe(field.ok ? iso : null);
  });
});
