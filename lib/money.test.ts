import { describe, expect, it } from "vitest";
import { formatFen, parseYuan } from "./money";

describe("parseYuan", () => {
  it.each([
    ["120.5", 12050],
    ["120.50", 12050],
    ["120", 12000],
    ["0.01", 1],
    ["0", 0],
    ["¥1,234.50", 123450],
    ["￥1,234.50", 123450],
    [" 1234.5 ", 123450],
    ["１２０．５", 12050], // full-width from a Chinese input method
    ["12,345,678.90", 1234567890],
    ["88元", 8800],
    ["0.10", 10],
    ["0.29", 29], // 0.29 * 100 is 28.999… in floats
    ["000000000400.00", 40000], // fixed-width padding (MT940 :61:)
    ["0000000000000000000025", 2500],
    ["00.50", 50],
    ["000", 0],
    ["0100000000.00", 10000000000], // the largest amount, padded
  ])("%s → %i fen", (input, fen) => {
    expect(parseYuan(input)).toEqual({ ok: true, fen });
  });

  it.each([
    ["", "empty"],
    ["   ", "empty"],
    ["1e3", "format"],
    ["-0", "negative"],
    ["-12.00", "negative"],
    ["12.345", "format"],
    ["1,2,3", "format"],
    ["12,34.00", "format"],
    [".5", "format"],
    ["12.", "format"],
    ["abc", "format"],
    ["0x10", "format"],
    ["Infinity", "format"],
    ["1 000", "format"],
    ["+5", "format"],
    ["9999999999", "too_large"],
    ["100000000.01", "too_large"],
    ["000100000000.01", "too_large"],
    ["0001000000000", "too_large"],
  ])("%j is refused (%s)", (input, reason) => {
    expect(parseYuan(input)).toEqual({ ok: false, reason });
  });
});

describe("formatFen", () => {
  it.each([
    [0, "¥0.00"],
    [1, "¥0.01"],
    [12050, "¥120.50"],
    [123450, "¥1,234.50"],
    [100000000, "¥1,000,000.00"],
    [-1200, "-¥12.00"],
  ])("%i → %s", (fen, text) => {
    expect(formatFen(fen)).toBe(text);
  });

  it("refuses fractions of a fen", () => {
    expect(() => formatFen(1.5)).toThrow(RangeError);
  });
});
