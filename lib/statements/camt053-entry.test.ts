import { describe, expect, it } from "vitest";
import { parsedEntry, plainEntry } from "./camt053";
import { fixture } from "./testing";

/** The fast entry reader must give fast-xml-parser's tree for whatever it accepts, and accept only what the validator does. */

const entries = [...fixture("camt053.xml").toString("utf8").matchAll(/<Ntry>[\s\S]*?<\/Ntry>/g)].map((m) => m[0]);
const plain = `<Ntry><Amt Ccy="CNY">10.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><ValDt><Dt>2026-11-04</Dt></ValDt><NtryDtls><TxDtls><Refs><EndToEndId>E</EndToEndId></Refs><RmtInf><Ustrd>a</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>`;

/** The fast reader's tree, or "fallback"; when it gives a tree, fast-xml-parser must give the same one. */
function check(xml: string): "tree" | "fallback" {
  const fast = plainEntry(xml);
  if (fast === null) return "fallback";
  expect(fast).toStrictEqual(parsedEntry(xml, 1));
  return "tree";
}

describe("plainEntry", () => {
  it.each(entries.map((e, i) => [i, e]))("reads fixture entry %i as fast-xml-parser does", (_i, xml) => {
    expect(check(xml)).toBe("tree");
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
  ])("reads %s as fast-xml-parser does", (_name, xml) => {
    expect(check(xml)).toBe("tree");
  });

  it.each([
    ["a comment", plain.replace("<Ustrd>", "<!-- c --><Ustrd>")],
    ["CDATA", plain.replace(">a<", "><![CDATA[a]]><")],
    ["a numeric reference", plain.replace(">a<", ">&#65;<")],
    ["an unknown entity", plain.replace(">a<", ">&nbsp;<")],
    ["a bare ampersand", plain.replace(">a<", ">A & B<")],
    ["text beside elements", plain.replace("<Refs>", "<Refs>x")],
    ["a namespace declaration", plain.replace("<Ntry>", '<Ntry xmlns:c="urn:x">')],
    ["a duplicate attribute", plain.replace('Ccy="CNY"', 'Ccy="CNY" Ccy="USD"')],
    ["a prototype name", plain.replace("<Ustrd>a</Ustrd>", "<__proto__>a</__proto__>")],
    ["a mismatched close tag", plain.replace("</Amt>", "</Amount>")],
    ["a close tag with a space", plain.replace("</Amt>", "</Amt >")],
  ])("leaves %s to fast-xml-parser", (_name, xml) => {
    expect(check(xml)).toBe("fallback");
  });

  it("never accepts what the validator refuses, nor reads it differently (random edits)", () => {
    let seed = 7;
    const random = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    const pieces = ["<", ">", "/", "&", "&amp;", '"', "'", " ", "=", ":", "a", "\n", "<a>", "</a>", "<b/>", "!", "?", "Ccy"];
    const bases = [plain, ...entries];
    let trees = 0;
    for (let k = 0; k < 4000; k++) {
      let xml = bases[k % bases.length]!;
      for (let e = 1 + random(2); e > 0; e--) {
        const at = random(xml.length);
        xml = random(2) === 0 ? xml.slice(0, at) + pieces[random(pieces.length)]! + xml.slice(at) : xml.slice(0, at) + xml.slice(at + 1 + random(3));
      }
      const fast = plainEntry(xml);
      if (fast === null) continue;
      trees++;
      expect(() => parsedEntry(xml, 1), xml).not.toThrow();
      expect(fast, xml).toStrictEqual(parsedEntry(xml, 1));
    }
    expect(trees).toBeGreaterThan(500);
  });
});
