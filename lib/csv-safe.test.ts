import { describe, expect, it } from "vitest";
import { csvCell, csvLine, UTF8_BOM } from "./csv-safe";

describe("csvCell", () => {
  it.each([
    ["plain text", "T-7K4M-2Q9X", "T-7K4M-2Q9X"],
    ["Chinese text", "已入账", "已入账"],
    ["formula with =", "=HYPERLINK(\"http://x\")", "\"'=HYPERLINK(\"\"http://x\"\")\""],
    ["formula with +", "+1+2", "'+1+2"],
    ["formula with -", "-2+3", "'-2+3"],
    ["formula with @", "@SUM(A1)", "'@SUM(A1)"],
    ["leading tab", "\t=1", "'\t=1"],
    ["leading carriage return", "\r=1", "\"'\r=1\""],
    ["= later in the text is harmless", "a=b", "a=b"],
    ["comma is quoted", "a,b", '"a,b"'],
    ["quote is doubled", 'say "hi"', '"say ""hi"""'],
    ["newline is quoted", "line1\nline2", '"line1\nline2"'],
    ["formula and comma", "=1,2", "\"'=1,2\""],
    ["empty string", "", ""],
  ])("%s", (_name, input, expected) => {
    expect(csvCell(input)).toBe(expected);
  });

  it.each([
    [null, ""],
    [undefined, ""],
    [0, "0"],
    [-1250, "-1250"],
    [2500, "2500"],
  ])("writes %s as %j", (input, expected) => {
    expect(csvCell(input)).toBe(expected);
  });

  it("refuses a number that is not finite", () => {
    expect(() => csvCell(Number.NaN)).toThrow(RangeError);
  });
});

describe("csvLine", () => {
  it("joins cells with commas and ends with CRLF", () => {
    expect(csvLine(["a", 1, null, "=x"])).toBe("a,1,,'=x\r\n");
  });

  it("has a UTF-8 byte-order mark to prepend", () => {
    expect(new TextEncoder().encode(UTF8_BOM)).toEqual(new Uint8Array([0xef, 0xbb, 0xbf]));
  });
});
