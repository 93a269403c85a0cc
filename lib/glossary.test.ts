import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CANNED_REPLIES } from "./canned-replies";
import { GLOSSARY, GLOSSARY_ALLOWED, GLOSSARY_PENDING_STAFF, glossaryFindings, glossaryMarkdown, type GlossaryLocale } from "./glossary";
import { en } from "./i18n/en";
import { zhCN } from "./i18n/zh-CN";
import { renderMessage } from "./notifications/templates";
import { NOTIFICATION_KINDS, NOTIFICATION_LOCALES } from "./notifications/types";

/**
 * Every text residents read follows lib/glossary.ts: the catalogues' resident sections, the notification
 * templates and the canned replies staff send. A legitimate use of a listed variant goes on GLOSSARY_ALLOWED
 * (with its reason); staff pages are scanned too, and what they still use waits on GLOSSARY_PENDING_STAFF
 * for the console's wording pass — a new staff finding fails like a resident one.
 */

/** Catalogue sections staff read; everything else in a catalogue is resident-facing. */
const STAFF_SECTIONS = ["appErrors", "staff", "backOffice", "desk", "oversight", "proofChecks", "channels.console", "channels.bills"];
const isStaff = (path: string) => STAFF_SECTIONS.some((s) => path === s || path.startsWith(`${s}.`));

/** Sample arguments for catalogue functions: a date-like text and a number of fen. */
const SAMPLE = { zh: "12月4日", en: "4 December" } as const;

/** Every string of a catalogue with its dotted path; functions are called with sample arguments. */
export function catalogueStrings(value: unknown, locale: GlossaryLocale, path = ""): [string, string][] {
  if (typeof value === "string") return [[path, value]];
  if (typeof value === "function") {
    // Called twice: with a date-like text first (dates, times, amounts already formatted) and with numbers only (fen, counts).
    const call = (first: unknown) => {
      try {
        return (value as (...a: unknown[]) => unknown)(...Array.from({ length: value.length }, (_, i) => (i === 0 ? first : 2500)));
      } catch {
        return undefined; // an amount of fen given a text, or the other way round: the other call covers it
      }
    };
    const outputs = [call(locale === "en" ? SAMPLE.en : SAMPLE.zh), call(2500)];
    return outputs.flatMap((out) => catalogueStrings(out, locale, path)).filter(([, text]) => !/NaN|undefined|\[object/.test(text));
  }
  if (Array.isArray(value)) return value.flatMap((v, i) => catalogueStrings(v, locale, `${path}[${i}]`));
  if (value && typeof value === "object") return Object.entries(value).flatMap(([k, v]) => catalogueStrings(v, locale, path ? `${path}.${k}` : k));
  return [];
}

type Hit = { locale: GlossaryLocale; path: string; text: string; match: string; instead: string };

function scan(items: [string, string][], locale: GlossaryLocale): Hit[] {
  return items.flatMap(([path, text]) => glossaryFindings(text, locale, isStaff(path) ? "staff" : "resident").map((f) => ({ locale, path, text, match: f.match, instead: f.instead })));
}

const allowedKey = (h: { path: string; match: string }) => `${h.path} ${h.match}`;
const allowed = new Set(GLOSSARY_ALLOWED.map((a) => `${a.path} ${a.match}`));
const pending = new Set(GLOSSARY_PENDING_STAFF.map((a) => `${a.path} ${a.match}`));

const catalogueHits = [
  ...scan(catalogueStrings(zhCN, "zh-CN"), "zh-CN").map((h) => ({ ...h, path: `zh-CN:${h.path}` })),
  ...scan(catalogueStrings(en, "en"), "en").map((h) => ({ ...h, path: `en:${h.path}` })),
];
const residentCatalogueHits = catalogueHits.filter((h) => !isStaff(h.path.replace(/^[^:]+:/, "")));
const staffCatalogueHits = catalogueHits.filter((h) => isStaff(h.path.replace(/^[^:]+:/, "")));

const notificationHits = NOTIFICATION_LOCALES.flatMap((locale) =>
  NOTIFICATION_KINDS.flatMap((kind) => {
    const message = renderMessage({ kind, locale, ticketRef: "T-7K4M-2Q9X", trackingUrl: "https://pay.example.gov.cn/t/T-7K4M-2Q9X", unsubscribeUrl: "https://pay.example.gov.cn/unsubscribe/1.x" });
    return scan(Object.entries(message).map(([part, text]) => [`notifications:${locale}.${kind}.${part}`, text.replaceAll(/https:\/\/\S+/g, "")]), locale);
  }),
);

const cannedHits = Object.entries(CANNED_REPLIES).flatMap(([id, reply]) =>
  (["zh-CN", "en"] as const).flatMap((locale) =>
    scan(
      [
        [`canned:${id}.title.${locale}`, reply.title[locale]],
        [`canned:${id}.body.${locale}`, reply.body[locale]],
      ],
      locale,
    ),
  ),
);

const report = (hits: Hit[]) => hits.map((h) => `${h.path}: “${h.match}” in “${h.text}” → ${h.instead}`);

describe("glossary", () => {
  it("finds each kind of variant it lists, and leaves the preferred wording alone (table of cases)", () => {
    const cases: [string, GlossaryLocale, string[]][] = [
      ["您的缴费问题已受理", "zh-CN", ["问题"]],
      ["您反映的事项已受理，受理编号 T-1", "zh-CN", []],
      ["问题已解决", "zh-CN", ["问题", "解决"]],
      ["已办结", "zh-CN", []],
      ["没有收到发票", "zh-CN", ["发票"]],
      ["请你上传凭证", "zh-CN", ["你"]],
      ["收据号: 2026", "zh-CN", [":"]],
      ["收据号：2026", "zh-CN", []],
      ["Receipt: 2026", "zh-CN", []],
      ["这个收据号看起来输错了", "zh-CN", ["看起来"]],
      ["收费系统还没有把这张收据的记录传给我们", "zh-CN", ["传给我们"]],
      ["出现问题", "zh-CN", ["问题", "出现问题"]],
      ["Your ticket is resolved", "en", ["ticket", "resolved"]],
      ["Your report is completed", "en", []],
      ["I did not get an invoice", "en", ["invoice"]],
      ["Being processed", "en", ["Being processed"]],
      ["Being processed, not yet posted", "en", []],
      ["(weekends and public holidays counted)", "en", ["holidays counted"]],
      ["(weekends and public holidays are not counted)", "en", []],
      ["（已考虑周末和法定节假日）", "zh-CN", ["已考虑周末"]],
      ["（按工作日计算，已排除周末和法定节假日）", "zh-CN", []],
      ["工单已办结", "zh-CN", ["工单"]],
    ];
    for (const [text, locale, expected] of cases) expect(glossaryFindings(text, locale).map((f) => f.match), text).toEqual(expected);
  });

  it("every resident-facing catalogue string uses the glossary's terms", () => {
    expect(report(residentCatalogueHits.filter((h) => !allowed.has(allowedKey(h))))).toEqual([]);
  });

  it("every notification (subject, e-mail, SMS, both languages) uses the glossary's terms", () => {
    expect(report(notificationHits.filter((h) => !allowed.has(allowedKey(h))))).toEqual([]);
  });

  it("every canned reply staff send to residents uses the glossary's terms", () => {
    expect(report(cannedHits.filter((h) => !allowed.has(allowedKey(h))))).toEqual([]);
  });

  it("staff pages add no variant beyond the pending list left for the console's wording pass", () => {
    expect(report(staffCatalogueHits.filter((h) => !pending.has(allowedKey(h)) && !allowed.has(allowedKey(h))))).toEqual([]);
  });

  it("the pending list names only staff texts that still use their variant (fixed ones are dropped from it)", () => {
    const hits = new Set(staffCatalogueHits.map(allowedKey));
    const stale = GLOSSARY_PENDING_STAFF.filter((p) => !hits.has(`${p.path} ${p.match}`)).map((p) => `${p.path} “${p.match}”`);
    expect(stale, "fixed: drop these from GLOSSARY_PENDING_STAFF").toEqual([]);
  });

  it("the allow-list names only texts that exist and still need it, each with a reason", () => {
    const hits = new Set([...catalogueHits, ...notificationHits, ...cannedHits].map(allowedKey));
    for (const a of GLOSSARY_ALLOWED) {
      expect(a.why.length, a.path).toBeGreaterThan(10);
      expect(hits.has(`${a.path} ${a.match}`), `${a.path} “${a.match}” is allowed but no longer used: drop it from GLOSSARY_ALLOWED`).toBe(true);
    }
  });

  it("every entry names a preferred term in both languages", () => {
    for (const entry of GLOSSARY) {
      expect(entry["zh-CN"].preferred, entry.id).not.toBe("");
      expect(entry.en.preferred, entry.id).not.toBe("");
    }
  });

  it("the catalogues' short glossary (resident.glossary) names each term as the module prefers it", () => {
    const ids: Record<keyof typeof zhCN.resident.glossary, string> = { ticketRef: "ticket", resolved: "resolved", receiptDoc: "receiptDoc", posted: "posted", reentry: "reentry" };
    for (const [key, id] of Object.entries(ids) as [keyof typeof ids, string][]) {
      const entry = GLOSSARY.find((e) => e.id === id)!;
      expect(entry["zh-CN"].preferred, key).toContain(zhCN.resident.glossary[key]);
      expect(entry.en.preferred, key).toContain(en.resident.glossary[key]);
    }
  });

  it("docs/glossary.md is rendered from lib/glossary.ts (npx tsx scripts/glossary-doc.ts)", () => {
    expect(readFileSync(join(import.meta.dirname, "..", "docs", "glossary.md"), "utf8")).toBe(glossaryMarkdown());
  });
});
