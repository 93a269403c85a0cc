import { describe, expect, it } from "vitest";
import { factsOfTree, parseCamt053, parsedEntry, scanEntry } from "./camt053";
import { bytesOf } from "./decode";
import { collect, fixture, refusal } from "./testing";

/**
 * The entry scanner must give the facts of fast-xml-parser's tree for whatever it accepts, and accept
 * only what the validator does, for entries of every shape; what it leaves (rare constructs) goes to
 * fast-xml-parser. Before it, every entry went through that tree: the two readers gave identical events
 * for generated statements when the scanner came in.
 */

const entries = [...fixture("camt053.xml").toString("utf8").matchAll(/<Ntry>[\s\S]*?<\/Ntry>/g)].map((m) => m[0]);
const plain = `<Ntry><Amt Ccy="CNY">10.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><ValDt><Dt>2026-11-04</Dt></ValDt><NtryDtls><TxDtls><Refs><EndToEndId>E</EndToEndId></Refs><RmtInf><Ustrd>a</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>`;

/** The scanner's facts, or "fallback"; when it gives facts, fast-xml-parser's tree must give the same. */
function check(xml: string): "facts" | "fallback" {
  const fast = scanEntry(xml);
  if (fast === null) return "fallback";
  expect(fast, xml).toStrictEqual(factsOfTree(parsedEntry(xml, 1)));
  return "facts";
}

const doc = (body: string) =>
  `<?xml version="1.0"?>\n<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt><Stmt>\n${body}</Stmt></BkToCstmrStmt></Document>\n`;
const events = async (read: typeof parseCamt053, xml: string) => {
  const message = await refusal(() => read(bytesOf(xml, 997), { channel: "online_bank" }));
  return message ?? (await collect(read(bytesOf(xml, 997), { channel: "online_bank" })));
};

/** A seeded generator of integers below n (mulberry32: the low bits of a plain LCG alternate). */
function seeded(seed: number): (n: number) => number {
  let state = seed >>> 0;
  return (n) => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 2 ** 32) * n);
  };
}

/** Entries of every shape the importer reads, from a seeded generator. */
function generatedEntries(count: number, seed: number): string[] {
  const random = seeded(seed);
  const pick = <T,>(items: readonly T[]): T => items[random(items.length)]!;
  const maybe = (s: () => string, p = 2) => (random(p) === 0 ? s() : "");
  const texts = ["缴费 2026110500000016", "HUKOU &amp; 2026110500000024", " padded\r\nline ", "A &lt;1&gt; &quot;q&apos;", "", "NOTPROVIDED", "RF18 5390 0754 7034", "INV-7", "a>b　c"];
  const out: string[] = [];
  for (let k = 0; k < count; k++) {
    const p = pick(["", "", "c:", "ns2:"]);
    const ws = pick(["", "", "\n  ", "\r\n\t"]);
    const attrs = () => pick(["", "", "", "", "", ' a="1"', " b='2' c=\"\""]);
    const el = (name: string, inner: string) => (inner === "/" ? `<${p}${name}${attrs()}/>` : `<${p}${name}${attrs()}>${inner}</${p}${name}>`);
    const amount = (name = "Amt", usual = "10.00") =>
      random(3) > 0 ? `<${p}${name} Ccy="CNY">${usual}</${p}${name}>` : pick([
        () => `<${p}${name} Ccy="CNY">${pick(["10.00", "4.00", "6.00", "1,2,3", "0.00", " 10.00 ", "5"])}</${p}${name}>`,
        () => `<${p}${name} Ccy='${pick(["CNY", "USD", " CNY "])}'>10.00</${p}${name}>`,
        () => el(name, pick(["10.00", "4.00", "/"])),
        () => `<${p}${name} Ccy="CNY"/>`,
      ])();
    const ref = (name: string) => el(name, pick(texts.slice(0, 7)));
    const tx = () =>
      el(
        "TxDtls",
        [
          maybe(() => amount("Amt", pick(["5.00", "5.00", "10.00", "4.00", "6.00"]))),
          maybe(() => el("AmtDtls", el("InstdAmt", amount()) + ws + el("TxAmt", amount("Amt", pick(["5.00", "10.00"])))), 3),
          maybe(() => el("CdtDbtInd", pick(["CRDT", "DBIT"])), 3),
          maybe(() => el("Refs", [maybe(() => el("MsgId", "M1")), maybe(() => ref("InstrId")), maybe(() => ref("EndToEndId")), maybe(() => ref("TxId")), maybe(() => ref("AcctSvcrRef"))].join(ws) || "/")),
          maybe(() =>
            el(
              "RltdPties",
              el("Dbtr", el("Nm", "张三")) +
                ws +
                el("DbtrAcct", el("Id", pick([() => el("IBAN", "CN12 3456 7890 1234"), () => el("Othr", el("Id", pick(["6222021234567890123", "6222 **** 0123", ""])) + el("SchmeNm", el("Cd", "BBAN")))])())),
            ),
          ),
          maybe(() =>
            el(
              "RmtInf",
              [
                ...Array.from({ length: random(3) }, () => el("Ustrd", pick(texts))),
                ...Array.from({ length: random(3) }, () =>
                  el(
                    "Strd",
                    [
                      ...Array.from({ length: random(3) }, () => el("RfrdDocInf", pick([() => el("Tp", el("CdOrPrtry", el("Cd", "CINV"))) + el("Nb", pick(texts)), () => "/", () => el("Nb", "INV-9")])())),
                      maybe(() => el("CdtrRefInf", maybe(() => el("Tp", el("CdOrPrtry", el("Cd", "SCOR")))) + el("Ref", pick(texts)))),
                      ...Array.from({ length: random(2) }, () => el("AddtlRmtInf", pick(texts))),
                    ].join(ws) || "/",
                  ),
                ),
              ].join(ws) || "/",
            ),
          ),
          maybe(() => el("AddtlTxInf", pick(texts))),
        ].join(ws) || "/",
      );
    const details = () => el("NtryDtls", maybe(() => el("Btch", el("NbOfTxs", "2"))) + Array.from({ length: random(4) }, tx).join(ws) || "/");
    const date = (name: string) => el(name, pick([() => el("Dt", "2026-11-04"), () => el("DtTm", "2026-11-05T10:00:00"), () => el("Dt", "2026-11-06"), () => el("Dt", "2026-11-06"), () => el("Dt", "2026-13-40"), () => "/"])());
    const body = [
      maybe(() => el("NtryRef", pick(["NTRY-9", "NOTPROVIDED"]))),
      random(8) > 0 ? amount() : "",
      maybe(() => el("CdtDbtInd", pick(["CRDT", "CRDT", "DBIT", "XXX"])), 8) === "" ? el("CdtDbtInd", "CRDT") : el("CdtDbtInd", pick(["DBIT", "XXX"])),
      maybe(() => el("RvslInd", pick(["true", "false"])), 8),
      maybe(() => el("Sts", pick([() => "BOOK", () => "BOOK", () => "PDNG", () => el("Cd", pick(["BOOK", "BOOK", "PDNG"]))])())),
      maybe(() => date("BookgDt")),
      random(6) > 0 ? date("ValDt") : "",
      maybe(() => el("AcctSvcrRef", pick(["BANK-7", "S1", "NOTPROVIDED", " B 1 "]))),
      maybe(() => el("BkTxCd", el("Domn", el("Cd", "PMNT") + el("Fmly", el("Cd", "RCDT") + el("SubFmlyCd", "DMCT"))))),
      ...Array.from({ length: random(3) }, details),
      maybe(() => el("AddtlNtryInf", pick(texts))),
    ];
    out.push(`<${p}Ntry>${ws}${body.join(ws)}${ws}</${p}Ntry>`);
  }
  return out;
}

/** Rare constructs the scanner leaves to fast-xml-parser, spliced into generated entries. */
const RARE: [string, (xml: string) => string][] = [
  ["a comment", (x) => x.replace("><", "><!-- c --><")],
  ["CDATA", (x) => x.replace(/>([^<>]+)</, "><![CDATA[$1 & more]]><")],
  ["a numeric reference", (x) => x.replace(/>([^<>]+)</, ">&#65;$1&#x4E2D;<")],
  ["a duplicate EndToEndId", (x) => x.replace(/(<(?:\w+:)?EndToEndId>)/, "$1X</EndToEndId><EndToEndId>")],
  ["a duplicate Amt", (x) => x.replace(/(<(?:\w+:)?Amt )/, '<Amt Ccy="CNY">1.00</Amt>$1')],
  ["a processing instruction", (x) => x.replace("><", "><?pi x?><")],
];

describe("scanEntry", () => {
  it.each(entries.map((e, i) => [i, e]))("reads fixture entry %i as fast-xml-parser does", (_i, xml) => {
    expect(check(xml)).toBe("facts");
  });

  it.each([
    ["entities", plain.replace(">a<", ">A&amp;B &lt;1&gt; &quot;q&apos; &amp;lt;<")],
    ["single-quoted and padded attributes", plain.replace('Ccy="CNY"', "Ccy=' CNY ' Foo=\"\"")],
    ["self-closing elements", plain.replace("<Ustrd>a</Ustrd>", '<Ustrd/><Ustrd /><Strd a="1"/>')],
    ["repeated elements", plain.replace("<Ustrd>a</Ustrd>", "<Ustrd>a</Ustrd><X>1</X><X>2</X><X><Y>3</Y></X>")],
    ["namespace prefixes", plain.replaceAll("<", "<c:").replaceAll("<c:/", "</c:")],
    ["attributes on parents and empty leaves", plain.replace("<Refs>", '<Refs a="1" b="2">').replace("<ValDt>", "<ValDt>\r\n  ").replace(">E<", "> <")],
    ["CRLF and tabs", plain.replaceAll("><", ">\r\n\t<").replace(">a<", "> a\r\nb <")],
    ["a greater-than sign and non-ASCII text", plain.replace(">a<", ">缴费 a>b　<")],
    ["a leaf with an element inside", plain.replace(">E<", "><X>1</X><")],
    ["a batch entry", entries[2]!],
  ])("reads %s as fast-xml-parser does", (_name, xml) => {
    expect(check(xml)).toBe("facts");
  });

  it.each([
    ["a comment", plain.replace("<Ustrd>", "<!-- c --><Ustrd>")],
    ["CDATA", plain.replace(">a<", "><![CDATA[a]]><")],
    ["a numeric reference", plain.replace(">a<", ">&#65;<")],
    ["an unknown entity", plain.replace(">a<", ">&nbsp;<")],
    ["a bare ampersand", plain.replace(">a<", ">A & B<")],
    ["a bare ampersand in an element not read", plain.replace("<Ustrd>a</Ustrd>", "<X>A & B</X>")],
    ["text beside elements", plain.replace("<Refs>", "<Refs>x")],
    ["a namespace declaration", plain.replace("<Ntry>", '<Ntry xmlns:c="urn:x">')],
    ["a duplicate attribute", plain.replace('Ccy="CNY"', 'Ccy="CNY" Ccy="USD"')],
    ["a prototype name", plain.replace("<Ustrd>a</Ustrd>", "<__proto__>a</__proto__>")],
    ["a mismatched close tag", plain.replace("</Amt>", "</Amount>")],
    ["a close tag with a space", plain.replace("</Amt>", "</Amt >")],
    ["an element read once, twice", plain.replace("</Refs>", "<EndToEndId>F</EndToEndId></Refs>")],
    ["a root other than Ntry", plain.replace("<Ntry>", "<Ntrx>").replace("</Ntry>", "</Ntrx>")],
  ])("leaves %s to fast-xml-parser", (_name, xml) => {
    expect(check(xml)).toBe("fallback");
  });

  it("reads generated entries of every shape as fast-xml-parser does", () => {
    let facts = 0;
    for (const xml of generatedEntries(3000, 13)) if (check(xml) === "facts") facts++;
    expect(facts).toBe(3000);
  });

  it("never accepts what the validator refuses, nor reads it differently, alone or in place in a text (random edits)", () => {
    let seed = 7;
    const random = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    const pieces = ["<", ">", "/", "&", "&amp;", '"', "'", " ", "=", ":", "a", "\n", "<a>", "</a>", "<b/>", "!", "?", "Ccy", "<Ustrd>", "</TxDtls>", "<Nb>1</Nb>"];
    const bases = [plain, ...entries, ...generatedEntries(40, 5)];
    let facts = 0;
    for (let k = 0; k < 6000; k++) {
      let xml = bases[k % bases.length]!;
      for (let e = 1 + random(2); e > 0; e--) {
        const at = random(xml.length);
        xml = random(2) === 0 ? xml.slice(0, at) + pieces[random(pieces.length)]! + xml.slice(at) : xml.slice(0, at) + xml.slice(at + 1 + random(3));
      }
      const fast = scanEntry(xml);
      // Read in place in the text around it, the entry reads the same: nothing before or after it counts.
      const before = pieces[random(pieces.length)]! + "<Ntry>";
      expect(scanEntry(`${before}${xml}</Ntry>&<a>${pieces[random(pieces.length)]}`, before.length, before.length + xml.length), xml).toStrictEqual(fast);
      if (fast === null) continue;
      facts++;
      expect(() => parsedEntry(xml, 1), xml).not.toThrow();
      expect(fast, xml).toStrictEqual(factsOfTree(parsedEntry(xml, 1)));
      // Whatever the old fast reader accepted, the scanner accepts too (no new fallbacks on plain markup).
    }
    expect(facts).toBeGreaterThan(600);
  });
});

describe("parseCamt053 with the scanner", () => {
  it.each(RARE)("leaves %s to fast-xml-parser", (_name, edit) => {
    expect(scanEntry(edit(plain))).toBeNull();
  });

  it.each(RARE.filter(([name]) => name === "a comment" || name === "a processing instruction"))("reads a statement with %s in entries as without it", async (_name, edit) => {
    const unedited = await events(parseCamt053, doc(generatedEntries(60, 41).join("\n")));
    expect(typeof unedited === "object" && unedited.records.length).toBeGreaterThan(0);
    expect(await events(parseCamt053, doc(generatedEntries(60, 41).map((e, i) => (i % 3 === 0 ? edit(e) : e)).join("\n")))).toStrictEqual(unedited);
  });

  it("refuses a malformed entry at its line and column", async () => {
    const generated = generatedEntries(30, 43);
    generated[17] = generated[17]!.replace(/<\/(\w+:)?CdtDbtInd>/, "</Amount>");
    const message = await events(parseCamt053, doc(generated.join("\n")));
    expect(message).toMatch(/the XML is malformed at line \d+, column \d+/);
  });
});
