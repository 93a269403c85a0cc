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

  it("keeps RC (the return of a credit) as a reversal line; RD stays skipped", async () => {
    const { records, skipped } = await collect(parse(statement(":61:2611041104RC1,00NTRFR1", ":86:/REMI/RETURN 2026110500000016", ":61:261104RD1,00NTRFR2")));
    expect(records).toEqual([{ line: 5, bankRef: "R1", amountFen: 100, valueDate: "2026-11-04", channel: "online_bank", payerAccount: null, remittance: "RETURN 2026110500000016", reversal: true }]);
    expect(skipped).toEqual([{ line: 7, reason: "reversal" }]);
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

  const body = (currency = "CNY") => [":20:S1", ":25:110000000000001", ":28C:1/1", `:60F:C261103${currency}0,00`, ":61:2611041104C25,00NTRFR1", ":86:缴费", `:62F:C261104${currency}25,00`];
  const swiftBlocks = ["{1:F01BKCHCNBJAXXX0000000000}", "{2:O9400000261104BKCHCNBJAXXX00000000002611040000N}", "{3:{108:MT940}}", "{4:"];
  it.each([
    ["a :940: line", [":940:", ...body()]],
    ["the ABN AMRO header", ["ABNANL2A", "940", "ABNANL2A", ...body()]],
    ["the ING header", ["0000 01INGBNL2AXXXX00001", "940 00", ...body()]],
    ["SOH and ETX around the message", [`\u0001${body()[0]}`, ...body().slice(1), "-\u0003"]],
    ["SWIFT blocks each on a line, a {5:} trailer", [...swiftBlocks, ...body(), "-}", "{5:{CHK:123456789ABC}}"]],
    ["SWIFT blocks on one line, -}{5:} closing", [swiftBlocks.join(""), ...body(), "-}{5:{CHK:123456789ABC}}"]],
    ["bank free text before the first :20:", ["Bank of Example - Kontoauszug", "Account 110000000000001, 2026-11-04", "", ...body()]],
  ])("reads a statement behind %s", async (_name, lines) => {
    const { records } = await collect(parse(lines.join("\r\n")));
    expect(records.map((r) => [r.bankRef, r.amountFen, r.valueDate, r.remittance])).toEqual([["R1", 2500, "2026-11-04", "缴费"]]);
  });

  it("reads several messages, each in its own envelope, and several statements in one message", async () => {
    const second = body().map((l) => l.replace("S1", "S2").replace("R1", "R2"));
    const file = [
      ...["ABNANL2A", "940", "ABNANL2A"], ...body(), "-",
      ...["ABNANL2A", "940", "ABNANL2A"], ...second, ...second.map((l) => l.replace("R2", "R3")), "-",
    ];
    const { records } = await collect(parse(file.join("\n")));
    expect(records.map((r) => [r.line, r.bankRef])).toEqual([[8, "R1"], [19, "R2"], [26, "R3"]]);
  });

  it.each([
    ["with entry date", ":61:2611041104C25,00NTRFR1", { bankRef: "R1", amountFen: 2500 }],
    ["without entry date", ":61:261104C25,00NTRFR1", { bankRef: "R1", amountFen: 2500 }],
    ["with the funds code letter (C + R)", ":61:261104CR25,00NTRFR1", { bankRef: "R1", amountFen: 2500 }],
    ["zero-padded amount", ":61:140102C000000000400,00N541NONREF", { bankRef: null, amountFen: 40000, valueDate: "2014-01-02" }],
    ["bank reference after //", ":61:261104C25,00NTRFNONREF//BANK-7", { bankRef: "BANK-7", amountFen: 2500 }],
    ["supplementary details on the next line", ":61:261104C25,00NTRFNONREF//BANK-7\r\n收费单号2026110500000016", { bankRef: "BANK-7", remittance: "收费单号2026110500000016" }],
    ["a :86: over three lines", ":61:261104C25,00NTRFR1\r\n:86:/EREF/E2E-1/REMI/收费单号20261105\r\n00000\r\n016 户政", { bankRef: "R1", remittance: "收费单号2026110500000016 户政" }],
    ["the German ?20 purpose fields", ":61:261104C25,00NTRFNONREF\r\n:86:166?00GUTSCHRIFT?109310?20EREF+E2E-9?21收费单号2026110500?22000016?30BKCHCNBJ", { bankRef: "E2E-9", remittance: "EREF+E2E-9收费单号2026110500000016" }],
  ])(":61: %s", async (_name, line, expected) => {
    const { records } = await collect(parse(statement(line)));
    expect(records).toEqual([expect.objectContaining(expected)]);
  });

  it.each([
    ["an amount like 1,2,3", ":61:2611041104C1,2,3NTRFR1", "is not a statement line"],
    ["an impossible date", ":61:2613401104C1,00NTRFR1", "is not a date"],
    ["a zero amount", ":61:2611041104C0,00NTRFR1", "amount is zero"],
  ])("rejects %s", async (_name, line, reason) => {
    expect((await collect(parse(statement(line)))).rejected).toEqual([{ line: 5, reason: containing(reason) }]);
  });

  it.each([
    ["a debit", ":61:2611041104D1,00NTRFR1", "debit"],
    ["a debit with funds code", ":61:261104DR1,00NTRFR1", "debit"],
    ["a reversed debit", ":61:261104RD1,00NTRFR1", "reversal"],
  ])("skips %s", async (_name, line, reason) => {
    expect((await collect(parse(statement(line)))).skipped).toEqual([{ line: 5, reason }]);
  });

  it.each([
    ["an empty file", "", "the file is empty"],
    ["a truncated statement", text.slice(0, text.indexOf(":62F:")), "the statement from line 2 is truncated (no closing balance :62F:)"],
    ["a statement without entries", statement(), "no entries"],
    ["a foreign currency", statement(":61:2611041104C1,00NTRFR1").replace("CNY0,00", "USD0,00"), "only CNY"],
    ["a CSV file", "bank_ref,amount\nA,1\n", "the file is not MT940 (no :20: tag)"],
    ["a long text file", "some text\n".repeat(100), "line 1 is not MT940 (expected a :tag:, or at most 40 lines of a bank's header)"],
    ["an untagged line inside a statement", statement(":61:2611041104C1,00NTRFR1").replace(":28C:1/1\r\n", ":28C:1/1\r\n-\r\nstray\r\n"), "line 5 is not MT940 (expected a :tag:)"],
    ["a EUR file behind a bank header", ["ABNANL2A", "940", "ABNANL2A", ...body("EUR")].join("\r\n"), "the statement is in EUR (opening balance at line 7); only CNY statements are read"],
  ])("refuses %s", async (_name, sta, message) => {
    expect(await refusal(() => parse(sta))).toContain(message);
  });
});
