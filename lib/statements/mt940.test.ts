import iconv from "iconv-lite";
import { describe, expect, it } from "vitest";
import { bytesOf } from "./decode";
import { parseMt940 } from "./mt940";
import { collect, containing, fixture, refusal } from "./testing";

const parse = (data: Uint8Array | string, chunk?: number) => parseMt940(bytesOf(data, chunk), { channel: "online_bank" });
const text = fixture("mt940.sta").toString("utf8");
const statement = (...lines: string[]) => [":20:S1", ":25:110000000000001", ":28C:1/1", ":60F:C261103CNY0,00", ...lines, ":62F:C261104CNY0,00", "-}", ""].join("\r\n");

describe("parseMt940", () => {
  it("reads :61: credits with their :86:, skips the debit", async () => {
    const { records, rejected, skipped } = await collect(parse(fixture("mt940.sta")));
    expect(records).toEqual([
      { line: 6, bankRef: "WX20261103001", amountFen: 2500, valueDate: "2026-11-04", channel: "online_bank", payerAccount: null, remittance: "缴费 2026110500000016" },
      { line: 10, bankRef: "BANKREF003", amountFen: 38000, valueDate: "2026-11-04", channel: "online_bank", payerAccount: null, remittance: "收费单号2026110500000032 counter" },
    ]);
    expect(skipped).toEqual([{ line: 8, reason: "debit" }]);
    expect(rejected).toEqual([]);
  });

  it.each([1, 3, 64])("gives the same result in chunks of %i bytes", async (chunk) => {
    expect(await collect(parse(fixture("mt940.sta"), chunk))).toEqual(await collect(parse(fixture("mt940.sta"))));
  });

  it("reads GBK and several statements in one file", async () => {
    const two = statement(":61:2611041104C1,00NTRFR1", ":86:缴费") + statement(":61:2611051105C2,5NTRFR2");
    const { records } = await collect(parse(iconv.encode(two, "gbk")));
    expect(records.map((r) => [r.bankRef, r.amountFen, r.valueDate, r.remittance])).toEqual([
      ["R1", 100, "2026-11-04", "缴费"],
      ["R2", 250, "2026-11-05", null],
    ]);
  });

  it.each([
    ["an amount like 1,2,3", ":61:2611041104C1,2,3NTRFR1", "is not a statement line"],
    ["an impossible date", ":61:2613401104C1,00NTRFR1", "is not a date"],
    ["a zero amount", ":61:2611041104C0,00NTRFR1", "amount is zero"],
  ])("rejects %s", async (_name, line, reason) => {
    expect((await collect(parse(statement(line)))).rejected).toEqual([{ line: 5, reason: containing(reason) }]);
  });

  it.each([
    ["a reversal", ":61:2611041104RC1,00NTRFR1", "reversal"],
    ["a debit", ":61:2611041104D1,00NTRFR1", "debit"],
  ])("skips %s", async (_name, line, reason) => {
    expect((await collect(parse(statement(line)))).skipped).toEqual([{ line: 5, reason }]);
  });

  it.each([
    ["an empty file", "", "the file is empty"],
    ["a truncated statement", text.slice(0, text.indexOf(":62F:")), "truncated"],
    ["a statement without entries", statement(), "no entries"],
    ["a foreign currency", statement(":61:2611041104C1,00NTRFR1").replace("CNY0,00", "USD0,00"), "only CNY"],
    ["a CSV file", "bank_ref,amount\nA,1\n", "not MT940"],
  ])("refuses %s", async (_name, sta, message) => {
    expect(await refusal(() => parse(sta))).toContain(message);
  });
});
