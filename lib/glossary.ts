/**
 * One glossary for every page, message and notification residents read (issue 18, item 7): the term
 * government-service Chinese uses, its English, and the variants to avoid. `lib/glossary.test.ts` scans
 * the catalogues (lib/i18n), the notification templates and the canned replies against it, and checks
 * docs/glossary.md against `glossaryMarkdown()` (rewrite it with `npx tsx scripts/glossary-doc.ts`).
 */

export type GlossaryLocale = "zh-CN" | "en";

/** A variant to avoid: found by `pattern` (or the plain text of `text`), with what to write instead. */
export type Avoid = {
  /** As the table shows it. */
  text: string;
  pattern?: RegExp;
  /** Write this instead, in one line. */
  instead: string;
  /** A staff word that is right in the console and wrong in resident text (工单, ticket). */
  residentOnly?: true;
};

export type GlossaryEntry = {
  id: string;
  /** What the term names, for the reader of docs/glossary.md. */
  meaning: string;
  "zh-CN": { preferred: string; avoid: Avoid[] };
  en: { preferred: string; avoid: Avoid[] };
};

export const GLOSSARY: readonly GlossaryEntry[] = [
  {
    id: "ticket",
    meaning: "what a resident reports and staff handle (a ticket, in the code and the console)",
    "zh-CN": {
      preferred: "事项；其编号为 受理编号",
      avoid: [
        { text: "问题（指受理的事项）", pattern: /问题/, instead: "事项、受理编号（“反映问题”这一说法本身可用，见允许清单）" },
        { text: "工单", pattern: /工单/, instead: "事项（“工单”是工作人员的用语）", residentOnly: true },
      ],
    },
    en: {
      preferred: "report; its number is the reference number",
      avoid: [
        { text: "ticket", pattern: /\btickets?\b/i, instead: "report, reference number (“ticket” is the staff word)", residentOnly: true },
        { text: "query (for the report)", pattern: /\bquer(?:y|ies)\b/i, instead: "report", residentOnly: true },
      ],
    },
  },
  {
    id: "resolved",
    meaning: "a ticket finished by staff (status resolved)",
    "zh-CN": { preferred: "办结", avoid: [{ text: "解决、已解决", pattern: /解决/, instead: "办结、已办结" }] },
    en: {
      preferred: "completed",
      avoid: [{ text: "resolved", pattern: /\bresolved?\b|\bresolves\b/i, instead: "completed (staff resolve a ticket; residents see it completed)", residentOnly: true }],
    },
  },
  {
    id: "receiptDoc",
    meaning: "the official receipt for a fee (财政票据), what the “no invoice received” form asks for",
    "zh-CN": { preferred: "票据", avoid: [{ text: "发票", pattern: /发票/, instead: "票据" }] },
    en: { preferred: "official receipt", avoid: [{ text: "invoice", pattern: /\binvoices?\b/i, instead: "official receipt" }] },
  },
  {
    id: "posted",
    meaning: "the payment appears on the bank statement and is matched (status posted)",
    "zh-CN": { preferred: "入账", avoid: [{ text: "到帐", pattern: /到帐|入帐/, instead: "到账、入账" }] },
    en: {
      preferred: "posted",
      avoid: [{ text: "“Being processed” alone", pattern: /Being processed(?!, not yet posted)/, instead: "“Being processed, not yet posted”" }],
    },
  },
  {
    id: "proof",
    meaning: "what the resident uploads to show they paid (bank SMS, transfer slip, payment screen)",
    "zh-CN": { preferred: "付款凭证", avoid: [{ text: "缴费凭证", pattern: /缴费凭证/, instead: "付款凭证" }] },
    en: { preferred: "proof of payment", avoid: [] },
  },
  {
    id: "reentry",
    meaning: "staff recording a payment the billing system never sent (补录)",
    "zh-CN": { preferred: "补录", avoid: [] },
    en: { preferred: "record entry", avoid: [] },
  },
  {
    id: "businessDays",
    meaning: "days counted on the business calendar (weekends, statutory holidays and make-up days)",
    "zh-CN": {
      preferred: "按工作日计算，已排除周末和法定节假日",
      avoid: [{ text: "已考虑周末和法定节假日", pattern: /已考虑周末/, instead: "已排除周末和法定节假日（“已考虑”读不出是否计入）" }],
    },
    en: {
      preferred: "working days (weekends and public holidays are not counted)",
      avoid: [{ text: "(weekends and public holidays counted)", pattern: /holidays counted/i, instead: "“weekends and public holidays are not counted”" }],
    },
  },
  {
    id: "you",
    meaning: "addressing the resident",
    "zh-CN": { preferred: "您", avoid: [{ text: "你", pattern: /你/, instead: "您" }] },
    en: { preferred: "you", avoid: [] },
  },
  {
    id: "register",
    meaning: "calques and colloquialisms that do not belong in a public service",
    "zh-CN": {
      preferred: "平实的政务用语",
      avoid: [
        { text: "出现问题", pattern: /出现问题/, instead: "操作未完成、系统暂时无法处理" },
        { text: "看起来", pattern: /看起来/, instead: "可能、经核对" },
        { text: "传给我们", pattern: /传给我们/, instead: "推送（收费系统尚未推送该收据信息）" },
      ],
    },
    en: { preferred: "plain English", avoid: [] },
  },
  {
    id: "punctuation",
    meaning: "punctuation after Chinese text",
    "zh-CN": {
      preferred: "全角标点：，；？！",
      avoid: [
        { text: "ASCII : , ; ? ! after Chinese", pattern: /(?<=[\u3400-\u9fff\u3001-\u3011\uff08\uff09])[:;,?!]/u, instead: "：，；？！" },
      ],
    },
    en: { preferred: "ASCII punctuation", avoid: [] },
  },
];

export type GlossaryFinding = { entry: string; avoid: string; instead: string; match: string };

/** The variants of `locale` that `text` uses, one finding per variant. */
export function glossaryFindings(text: string, locale: GlossaryLocale, audience: "resident" | "staff" = "resident"): GlossaryFinding[] {
  const findings: GlossaryFinding[] = [];
  for (const entry of GLOSSARY) {
    for (const avoid of entry[locale].avoid) {
      if (audience === "staff" && avoid.residentOnly) continue;
      const pattern = avoid.pattern ?? new RegExp(avoid.text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
      const match = pattern.exec(text);
      if (match) findings.push({ entry: entry.id, avoid: avoid.text, instead: avoid.instead, match: match[0] });
    }
  }
  return findings;
}

/** A text that uses a listed variant on purpose: where (`zh-CN:path`, `en:path`, `notifications:…`, `canned:…`), the match, why. */
export type AllowedUse = { path: string; match: string; why: string };

export const GLOSSARY_ALLOWED: readonly AllowedUse[] = [
  { path: "zh-CN:status.reportProblem", match: "问题", why: "反映问题: the standard government-service phrase (12345) for reporting a problem; the ticket itself is 事项 / 受理编号" },
  { path: "zh-CN:ticket.title", match: "问题", why: "反映缴费问题: the form reports a problem with a payment; the ticket it makes is 事项 / 受理编号" },
  { path: "zh-CN:ticket.answers.posted", match: "问题", why: "无需反映问题: nothing to report, the standard phrase" },
  { path: "zh-CN:ticket.categoryLegend", match: "问题", why: "问题类型: the kind of problem the resident has (categories), not the ticket" },
  { path: "zh-CN:ticket.errors.categoryRequired", match: "问题", why: "请选择问题类型: the kind of problem, as the field's label" },
  { path: "zh-CN:ticket.categories.other", match: "问题", why: "其他问题: a problem of another kind, one of the categories" },
  { path: "zh-CN:ticket.descriptionLabel", match: "问题", why: "问题说明: the resident's own description of the problem" },
  { path: "zh-CN:ticket.errors.descriptionTooLong", match: "问题", why: "问题说明不能超过…: names the field above" },
];

/**
 * PENDING — staff pages only, left for the console's wording pass (issue 18, item 12), not for resident text.
 * Each entry is a staff string that still uses a variant; fix the string, then drop its entry.
 */
export const GLOSSARY_PENDING_STAFF: readonly { path: string; match: string }[] = [
  { path: "en:desk.queueNames.invoices", match: "Invoices" },
  { path: "en:oversight.queues.invoices", match: "Invoices" },
  { path: "zh-CN:backOffice.errorTitle", match: "出现问题" },
  { path: "zh-CN:backOffice.errorTitle", match: "问题" },
  { path: "zh-CN:desk.ticket.description", match: "问题" },
  { path: "zh-CN:oversight.dashboard.paymentStatuses.desc", match: "问题" },
  { path: "zh-CN:oversight.settings.errorTitle", match: "问题" },
  { path: "zh-CN:proofChecks.confirm", match: "解决" },
  { path: "zh-CN:proofChecks.proposed", match: "解决" },
];

const cell = (s: string) => s.replace(/\|/g, "\\|");

/** docs/glossary.md, rendered from GLOSSARY (the test compares the file with it). */
export function glossaryMarkdown(allowed: readonly AllowedUse[] = GLOSSARY_ALLOWED): string {
  const lines = [
    "# Glossary",
    "",
    "The words every resident page, message and notification uses, in zh-CN and en. Rendered from `lib/glossary.ts`",
    "by `npx tsx scripts/glossary-doc.ts`; `lib/glossary.test.ts` scans the catalogues (`lib/i18n/`), the notification",
    "templates (`lib/notifications/templates.ts`) and the canned replies (`lib/canned-replies.ts`) and fails on a variant",
    "to avoid, and fails when this page differs from the module. Staff pages follow the same terms; their remaining",
    "variants are on the test's pending list.",
    "",
    "| term | zh-CN | avoid (zh-CN) | en | avoid (en) |",
    "|---|---|---|---|---|",
  ];
  const avoid = (list: Avoid[]) => (list.length ? list.map((a) => `${a.text} → ${a.instead}${a.residentOnly ? " (resident text only)" : ""}`).join("; ") : "—");
  for (const e of GLOSSARY) {
    lines.push(`| ${cell(e.meaning)} | ${cell(e["zh-CN"].preferred)} | ${cell(avoid(e["zh-CN"].avoid))} | ${cell(e.en.preferred)} | ${cell(avoid(e.en.avoid))} |`);
  }
  lines.push("", "## Allowed uses", "", "Texts that use a listed variant on purpose, each with its reason:", "", "| where | uses | why |", "|---|---|---|");
  for (const a of allowed) lines.push(`| \`${a.path}\` | ${cell(a.match)} | ${cell(a.why)} |`);
  return lines.join("\n") + "\n";
}
