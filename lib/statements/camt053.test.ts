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

  it("keeps the return of a credit (DBIT with RvslInd true) as a reversal line, and no other entry", async () => {
    const returned = entry("<RvslInd>true</RvslInd><AcctSvcrRef>B1</AcctSvcrRef>").replace("CRDT", "DBIT");
    const { records, skipped } = await collect(parse(doc(returned, entry("<AcctSvcrRef>B2</AcctSvcrRef>"))));
    expect(records).toEqual([
      { line: 1, bankRef: "B1", amountFen: 1000, valueDate: "2026-11-04", channel: "online_bank", payerAccount: null, remittance: null, reversal: true },
      { line: 1, bankRef: "B2", amountFen: 1000, valueDate: "2026-11-04", channel: "online_bank", payerAccount: null, remittance: null },
    ]);
    expect(skipped).toEqual([]);
  });

  it.each([1, 7, 100])("gives the same result in chunks of %i bytes", async (chunk) => {
    expect(await collect(parse(fixture("camt053.xml"), chunk))).toEqual(await collect(parse(fixture("camt053.xml"))));
  });

  it("reads a namespace-prefixed document and an entry without details", async () => {
    const xml = doc(entry("<AcctSvcrRef>B1</AcctSvcrRef>")).replaceAll("<", "<c:").replaceAll("<c:/", "</c:").replace("<c:?xml", "<?xml").replace("xmlns=", "xmlns:c=");
    expect((await collect(parse(xml))).records).toEqual([{ line: 1, bankRef: "B1", amountFen: 1000, valueDate: "2026-11-04", channel: "online_bank", payerAccount: null, remittance: null }]);
  });

  const tx = (inner: string, amount = "") => `<TxDtls>${amount && `<Amt Ccy="CNY">${amount}</Amt>`}${inner}</TxDtls>`;
  const one = (inner: string) => entry(`<AcctSvcrRef>ENTRY-1</AcctSvcrRef><NtryDtls>${tx(inner)}</NtryDtls>`);
  it.each([
    ["Refs/EndToEndId", "<Refs><EndToEndId>E2E-1</EndToEndId></Refs>", "E2E-1", null],
    ["Refs/AcctSvcrRef", "<Refs><AcctSvcrRef>B-1</AcctSvcrRef><EndToEndId>NOTPROVIDED</EndToEndId></Refs>", "B-1", null],
    ["Refs/TxId", "<Refs><TxId>TX-1</TxId></Refs>", "TX-1", null],
    ["Refs/InstrId", "<Refs><InstrId>2026110500000016</InstrId></Refs>", "2026110500000016", null],
    ["the entry's AcctSvcrRef when the transaction has none", "", "ENTRY-1", null],
    ["EndToEndId with the others in the text", "<Refs><InstrId>I-2026110500000016</InstrId><EndToEndId>E2E-1</EndToEndId><TxId>TX-1</TxId><AcctSvcrRef>B-1</AcctSvcrRef></Refs>", "E2E-1", "B-1 TX-1 I-2026110500000016"],
    ["RmtInf/Ustrd, several", "<RmtInf><Ustrd>缴费</Ustrd><Ustrd>2026110500000016</Ustrd></RmtInf>", "ENTRY-1", "缴费 2026110500000016"],
    ["an RF creditor reference", "<RmtInf><Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry><Issr>ISO</Issr></Tp><Ref>RF71 2026 1105 0000 0016</Ref></CdtrRefInf></Strd></RmtInf>", "ENTRY-1", "RF712026110500000016 2026110500000016"],
    ["a plain creditor reference", "<RmtInf><Strd><CdtrRefInf><Ref>HK2026110500000016</Ref></CdtrRefInf></Strd></RmtInf>", "ENTRY-1", "HK2026110500000016"],
    ["referred document numbers", "<RmtInf><Strd><RfrdDocInf><Nb>2026110500000016</Nb></RfrdDocInf><RfrdDocInf><Nb>INV-7</Nb></RfrdDocInf></Strd><Strd><AddtlRmtInf>户政</AddtlRmtInf></Strd></RmtInf>", "ENTRY-1", "2026110500000016 INV-7 户政"],
    ["Ustrd beside Strd", "<RmtInf><Ustrd>缴费</Ustrd><Strd><RfrdDocInf><Nb>2026110500000016</Nb></RfrdDocInf></Strd></RmtInf>", "ENTRY-1", "缴费 2026110500000016"],
  ])("reads %s", async (_name, inner, bankRef, remittance) => {
    const { records } = await collect(parse(doc(one(inner))));
    expect(records.map((r) => [r.bankRef, r.remittance])).toEqual([[bankRef, remittance]]);
  });

  it("gives each payment of a batch entry its own amount, reference and text", async () => {
    const batch = entry(
      `<AcctSvcrRef>BATCH-9</AcctSvcrRef><AddtlNtryInf>批量入账</AddtlNtryInf><NtryDtls>` +
        tx("<Refs><EndToEndId>NOTPROVIDED</EndToEndId></Refs><RmtInf><Ustrd>缴费 2026110500000016</Ustrd></RmtInf>", "4.00") +
        tx("<RmtInf><Strd><CdtrRefInf><Ref>RF18539007547034</Ref></CdtrRefInf></Strd></RmtInf>", "5.00") +
        tx("", "1.00") +
        `</NtryDtls>`,
    );
    const { records } = await collect(parse(doc(batch)));
    expect(records.map((r) => [r.bankRef, r.amountFen, r.remittance])).toEqual([
      ["BATCH-9/1", 400, "缴费 2026110500000016"],
      ["BATCH-9/2", 500, "RF18539007547034 539007547034"],
      ["BATCH-9/3", 100, null],
    ]);
    expect(records.reduce((sum, r) => sum + r.amountFen, 0)).toBe(1000);
  });

  it("numbers a batch's payments after the entry's NtryRef when it has no AcctSvcrRef", async () => {
    const batch = entry(`<NtryRef>NTRY-9</NtryRef><NtryDtls>${tx("", "4.00")}${tx("", "6.00")}</NtryDtls>`);
    expect((await collect(parse(doc(batch)))).records.map((r) => r.bankRef)).toEqual(["NTRY-9/1", "NTRY-9/2"]);
  });

  it("keeps the entry's additional information for an entry of one payment without text", async () => {
    const { records } = await collect(parse(doc(entry("<AddtlNtryInf>收费单号 2026110500000016</AddtlNtryInf>"))));
    expect(records[0]?.remittance).toBe("收费单号 2026110500000016");
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
    ["a reversal of a debit (CRDT with RvslInd)", entry("<RvslInd>true</RvslInd>"), "reversal"],
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
    ["a malformed entry, at its line", doc("<Ntry>\n<Amt>1.00</Amt>\n<CdtDbtInd>CRDT</Amt>\n</Ntry>"), "the XML is malformed at line 3, column 16 (in the entry from line 1)"],
    ["a CSV file", "bank_ref,amount\nA,1\n", "not XML"],
  ])("refuses %s", async (_name, xml, message) => {
    expect(await refusal(() => parse(xml))).toContain(message);
  });
});

describe("parseCamt053 cutting entries out of the text stream", () => {
  // The cutter joins only a chunk's first 16,384 characters to the text left from the chunk before: entries
  // cut by the boundary anywhere (in a tag, in a prefix, in the white space of an end tag), entries longer
  // than that head, and stretches without entries must read as in one piece.
  const one = (i: number, pre: string, extra: string) =>
    `<${pre}Ntry><${pre}Amt Ccy="CNY">${(i % 97) + 1}.00</${pre}Amt><${pre}CdtDbtInd>CRDT</${pre}CdtDbtInd><${pre}ValDt><${pre}Dt>2026-11-04</${pre}Dt></${pre}ValDt>` +
    `<${pre}AcctSvcrRef>R${i}</${pre}AcctSvcrRef>${i % 50 === 7 ? extra : ""}<${pre}NtryDtls><${pre}TxDtls><${pre}RmtInf><${pre}Ustrd>缴费😀 ${i}</${pre}Ustrd></${pre}RmtInf></${pre}TxDtls></${pre}NtryDtls>` +
    `</${pre}Ntry${i % 5 === 0 ? " \n" : i % 7 === 0 ? "\u3000" : ""}>`;
  const statement = (pre: string, extra = "", gap = "") =>
    `<?xml version="1.0"?>\n<${pre}Document xmlns${pre && `:${pre.slice(0, -1)}`}="urn:x"><${pre}BkToCstmrStmt><${pre}Stmt>\n` +
    Array.from({ length: 400 }, (_, i) => (i === 200 ? gap : "") + one(i, pre, extra)).join("\n") +
    `</${pre}Stmt></${pre}BkToCstmrStmt></${pre}Document>\n`;
  /** Each entry's record: its line (that of its <TxDtls>), reference and remittance. */
  const expected = (xml: string) => {
    let line = 1;
    let from = 0;
    return Array.from({ length: 400 }, (_, i) => {
      const at = xml.indexOf(`TxDtls>`, xml.indexOf(`>R${i}<`));
      for (let k = xml.indexOf("\n", from); k >= 0 && k < at; k = xml.indexOf("\n", k + 1)) line++;
      from = at;
      return { line, bankRef: `R${i}`, remittance: `缴费😀 ${i}` };
    });
  };

  it.each([
    ["plain entries", ""],
    ["prefixed entries", "c:"],
    ["entries with a long prefix", "a.b-c_9:"],
  ])("reads %s cut at chunk boundaries", async (_name, pre) => {
    const xml = statement(pre);
    for (const chunk of [1000, 16383, 16385, 16391, 16402, 16417, 17000, 20011, 65536]) {
      const { records, rejected, skipped } = await collect(parse(xml, chunk));
      expect(records.map(({ line, bankRef, remittance }) => ({ line, bankRef, remittance }))).toEqual(expected(xml));
      expect([rejected, skipped]).toEqual([[], []]);
    }
  });

  it.each([
    ["entries longer than the joined head", `<AddtlNtryInf>${"长".repeat(20000)}</AddtlNtryInf>`, ""],
    ["a stretch of 200,000 characters and 70,000 lines without entries", "", `<X>${"y".repeat(200000)}${"\n".repeat(70000)}</X>`],
  ])("reads %s", async (_name, extra, gap) => {
    const xml = statement("", extra, gap);
    for (const chunk of [16385, 20011, 65536, 262144]) {
      expect((await collect(parse(xml, chunk))).records.map(({ line, bankRef }) => ({ line, bankRef }))).toEqual(expected(xml).map(({ line, bankRef }) => ({ line, bankRef })));
    }
  });

  it.each([
    ["its own line", "\n<NtryDtls>\n<TxDtls>", 3],
    ["a prefixed one", "\n<NtryDtls>\n\n<ns.1:TxDtls >", 4],
    ["after its name in a text", "<AddtlNtryInf>TxDtls &lt;TxDtls</AddtlNtryInf>\n<NtryDtls><TxDtls>", 2],
  ])("gives a payment the line of its <TxDtls>: %s", async (_name, before, line) => {
    const close = before.includes("ns.1:") ? "</ns.1:TxDtls>" : "</TxDtls>";
    const xml = `<?xml version="1.0"?><Document xmlns:ns.1="urn:x"><BkToCstmrStmt>${entry(`<AcctSvcrRef>B1</AcctSvcrRef>${before}<RmtInf><Ustrd>x</Ustrd></RmtInf>${close}</NtryDtls>`)}</BkToCstmrStmt></Document>`;
    expect((await collect(parse(xml))).records.map((r) => r.line)).toEqual([line]);
  });

  it.each([16385, 20011, 65536])("refuses an entry cut off by the end of the file in chunks of %i bytes", async (chunk) => {
    const xml = statement("");
    expect(await refusal(() => parse(xml.slice(0, xml.lastIndexOf("</Ntry>")), chunk))).toContain("truncated");
  });
});
