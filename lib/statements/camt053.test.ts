import iconv from "iconv-lite";
import { describe, expect, it } from "vitest";
import { parseCamt053 } from "./camt053";
import { bytesOf } from "./decode";
import { collect, fixture, refusal } from "./testing";

const parse = (data: Uint8Array | string, chunk?: number) => parseCamt053(bytesOf(data, chunk), { channel: "online_bank" });
const text = fixture("camt053.xml").toString("utf8");

const entry = (inner: string) => `<Ntry><Amt Ccy="CNY">10.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><ValDt><Dt>2026-11-04</Dt></ValDt>${inner}</Ntry>`;
const doc = (...entries: string[]) =>
  `<?xml version="1.0"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt><Stmt>${entries.join("")}</Stmt></BkToCstmrStmt></Document>`;

describe("parseCamt053", () => {
  it("reads credits across several statements, splits a batch entry, skips the debit", async () => {
    const { records, rejected, skipped } = await collect(parse(fixture("camt053.xml")));
    expect(records).toEqual([
      { line: 15, bankRef: "WX20261103001", amountFen: 2500, valueDate: "2026-11-04", channel: "online_bank", payerAccount: "6222***********0123", remittance: "缴费 2026110500000016" },
      { line: 40, bankRef: "BANK-7-1", amountFen: 2500, valueDate: "2026-11-05", channel: "online_bank", payerAccount: null, remittance: "HUKOU 2026110500000024 second part" },
      { line: 45, bankRef: "E2E-0002", amountFen: 38000, valueDate: "2026-11-05", channel: "online_bank", payerAccount: null, remittance: null },
    ]);
    expect(skipped).toEqual([{ line: 21, reason: "debit" }]);
    expect(rejected).toEqual([]);
  });

  it.each([1, 7, 100])("gives the same result in chunks of %i bytes", async (chunk) => {
    expect(await collect(parse(fixture("camt053.xml"), chunk))).toEqual(await collect(parse(fixture("camt053.xml"))));
  });

  it("reads a namespace-prefixed document and an entry without details", async () => {
    const xml = doc(entry("<AcctSvcrRef>B1</AcctSvcrRef>")).replaceAll("<", "<c:").replaceAll("<c:/", "</c:").replace("<c:?xml", "<?xml").replace("xmlns=", "xmlns:c=");
    expect((await collect(parse(xml))).records).toEqual([{ line: 1, bankRef: "B1", amountFen: 1000, valueDate: "2026-11-04", channel: "online_bank", payerAccount: null, remittance: null }]);
  });

  it("reads a GBK-encoded statement", async () => {
    const xml = doc(entry("<NtryDtls><TxDtls><RmtInf><Ustrd>缴费</Ustrd></RmtInf></TxDtls></NtryDtls>"));
    expect((await collect(parse(iconv.encode(xml, "gbk")))).records[0]?.remittance).toBe("缴费");
  });

  it.each([
    ["a foreign currency", entry("").replace('Ccy="CNY"', 'Ccy="USD"'), "currency USD is not CNY"],
    ["an amount like 1,2,3", entry("").replace("10.00", "1,2,3"), 'Amt "1,2,3" is not an amount in yuan'],
    ["a missing value date", entry("").replace("<ValDt><Dt>2026-11-04</Dt></ValDt>", ""), "ValDt"],
    [
      "a batch that does not add up",
      entry("<NtryDtls><TxDtls><Amt>4.00</Amt></TxDtls><TxDtls><Amt>5.00</Amt></TxDtls></NtryDtls>"),
      "transaction amounts do not add up",
    ],
  ])("rejects %s", async (_name, xml, reason) => {
    const { rejected } = await collect(parse(doc(xml)));
    expect(rejected.length).toBeGreaterThan(0);
    expect(rejected[0]!.reason).toContain(reason);
  });

  it.each([
    ["a reversal", entry("<RvslInd>true</RvslInd>"), "reversal"],
    ["a pending entry", entry("<Sts><Cd>PDNG</Cd></Sts>"), "not booked (PDNG)"],
    ["a debit", entry("").replace("CRDT", "DBIT"), "debit"],
  ])("skips %s", async (_name, xml, reason) => {
    expect((await collect(parse(doc(xml)))).skipped).toEqual([{ line: 1, reason }]);
  });

  it.each([
    ["an empty file", "", "the file is empty"],
    ["truncated XML (cut mid-entry)", text.slice(0, text.indexOf("<TxDtls>", 1000)), "truncated"],
    ["truncated XML (cut after an entry)", text.slice(0, text.indexOf("</Stmt>") + 7), "truncated"],
    ["a statement with no entries", doc(), "no entries"],
    ["another XML document", "<?xml version=\"1.0\"?><Document><Ntry/></Document>", "not a camt.053"],
    ["a malformed entry", doc("<Ntry><Amt>1.00</Amt><CdtDbtInd>CRDT</Amt></Ntry>"), "malformed"],
    ["a CSV file", "bank_ref,amount\nA,1\n", "not XML"],
  ])("refuses %s", async (_name, xml, message) => {
    expect(await refusal(() => parse(xml))).toContain(message);
  });
});
