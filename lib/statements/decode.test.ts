import iconv from "iconv-lite";
import { describe, expect, it } from "vitest";
import { bytesOf, decodeText, type TextEncodingName } from "./decode";

async function decode(bytes: Uint8Array, chunk = 65536) {
  let encoding: TextEncodingName | undefined;
  let text = "";
  for await (const t of decodeText(bytesOf(bytes, chunk), (e) => (encoding = e))) text += t;
  return { text, encoding };
}

const sample = "交易流水号,交易金额\n甲乙丙,1,234.50\n";

describe("decodeText", () => {
  it.each([1, 2, 3, 7, 65536])("detects UTF-8 in chunks of %i bytes", async (chunk) => {
    expect(await decode(new TextEncoder().encode(sample), chunk)).toEqual({ text: sample, encoding: "utf-8" });
  });
  it.each([1, 2, 3, 7, 65536])("detects GBK in chunks of %i bytes", async (chunk) => {
    expect(await decode(iconv.encode(sample, "gbk"), chunk)).toEqual({ text: sample, encoding: "gbk" });
  });
  it.each([1, 2, 3, 5, 7, 65536])("reads GB18030's four-byte characters (an emoji in a GBK bill) in chunks of %i bytes", async (chunk) => {
    const text = "交易对方,商品说明\n小梅😀,户政缴费\n";
    expect(await decode(iconv.encode(text, "gb18030"), chunk)).toEqual({ text, encoding: "gbk" });
  });
  it("strips a UTF-8 BOM", async () => {
    expect(await decode(new Uint8Array([0xef, 0xbb, 0xbf, 0x61]))).toEqual({ text: "a", encoding: "utf-8" });
  });
  it("reads pure ASCII as UTF-8", async () => {
    expect(await decode(new TextEncoder().encode("a,b\n"))).toEqual({ text: "a,b\n", encoding: "utf-8" });
  });
  it.each([
    ["UTF-16", iconv.encode("\ufeffa,b\n", "utf-16le"), /UTF-16/],
    ["binary with NUL", new Uint8Array([0x61, 0x00, 0x62]), /NUL/],
    ["bytes valid in neither", new Uint8Array([0x61, 0x0a, 0xff, 0xfe, 0x80, 0x80]), /neither UTF-8 nor GBK/],
    ["UTF-8 and GBK in one chunk", Buffer.concat([Buffer.from("甲\n"), iconv.encode("乙丙\n", "gbk")]), /neither UTF-8 nor GBK/],
  ])("refuses %s", async (_name, bytes, message) => {
    await expect(decode(bytes)).rejects.toThrow(message);
  });
  it("refuses GBK bytes after UTF-8 was detected earlier in the file", async () => {
    const bytes = Buffer.concat([Buffer.from("甲\n"), iconv.encode("乙丙\n", "gbk")]);
    await expect(decode(bytes, 4)).rejects.toThrow("the file is not valid UTF-8 at line 2, column 1 (mixed or wrong encoding)");
  });
  it.each([
    // Past the 4 KiB the encoding is decided on: a file that turns mixed later.
    ["UTF-8, then GBK on line 1,502", Buffer.concat([Buffer.from("甲,乙\n" + "a,b\n".repeat(1500) + "ab,"), iconv.encode("丙\n", "gbk")]), 65536, "not valid UTF-8 at line 1502, column 4"],
    ["the same in chunks of 7 bytes", Buffer.concat([Buffer.from("甲,乙\n" + "a,b\n".repeat(1500) + "ab,"), iconv.encode("丙\n", "gbk")]), 7, "not valid UTF-8 at line 1502, column 4"],
    ["GBK with a bad pair on line 1,502", Buffer.concat([iconv.encode("甲,乙\n" + "a,b\n".repeat(1500) + "丙x", "gbk"), Buffer.from([0x81, 0x7f, 0x0a])]), 65536, "not valid GBK at line 1502, column 3"],
    ["a NUL byte on line 3", Buffer.from("a\nb\nc\u0000\n"), 65536, "NUL bytes from line 3"],
    ["Latin-1 on line 2", Buffer.from([0x61, 0x0a, 0x62, 0xe9, 0x0a]), 65536, "neither UTF-8 nor GBK text (wrong encoding?) from line 2"],
  ])("names the line of %s", async (_name, bytes, chunk, message) => {
    await expect(decode(bytes, chunk)).rejects.toThrow(message);
  });
});
