/**
 * The rules that drive matching (issue 16), as finance edits them: which methods run, in what order,
 * the date window of amount-and-date matching and whether it requires the same channel. Pure: parsing
 * the console's form and comparing a proposal with what is stored.
 */

export const MATCH_METHODS = ["reference", "remittance", "amount_date"] as const;
export type MatchMethodCode = (typeof MATCH_METHODS)[number];

export type MatchRule = {
  method: MatchMethodCode;
  position: number;
  enabled: boolean;
  /** amount_date only: days either side of the payment date; null = each channel's own window. */
  dateWindowDays: number | null;
  /** amount_date only: the line's channel must be the receipt's. */
  requireChannel: boolean;
};

/** SPEC §2.2 as it was fixed before the rules existed; the migration stores exactly these. */
export const DEFAULT_MATCH_RULES: MatchRule[] = [
  { method: "reference", position: 1, enabled: true, dateWindowDays: null, requireChannel: true },
  { method: "remittance", position: 2, enabled: true, dateWindowDays: null, requireChannel: true },
  { method: "amount_date", position: 3, enabled: true, dateWindowDays: null, requireChannel: true },
];

export const MAX_DATE_WINDOW_DAYS = 31;

export type RuleFormError = { field: string; code: "invalid_position" | "duplicate_position" | "invalid_window" };

/**
 * The console form (fields `position_<method>`, `enabled_<method>`, `window_amount_date`, `channel_amount_date`)
 * as rules, or the fields that are wrong. Positions are 1–3 and distinct; the window is empty or 0–31 days.
 */
export function parseRuleForm(form: Record<string, string | undefined>): { ok: true; rules: MatchRule[] } | { ok: false; errors: RuleFormError[] } {
  const errors: RuleFormError[] = [];
  const rules = MATCH_METHODS.map((method): MatchRule => {
    const raw = (form[`position_${method}`] ?? "").trim();
    const position = /^[1-3]$/.test(raw) ? Number(raw) : NaN;
    if (Number.isNaN(position)) errors.push({ field: `position_${method}`, code: "invalid_position" });
    let dateWindowDays: number | null = null;
    if (method === "amount_date") {
      const w = (form.window_amount_date ?? "").trim();
      if (w !== "") {
        if (/^\d{1,2}$/.test(w) && Number(w) <= MAX_DATE_WINDOW_DAYS) dateWindowDays = Number(w);
        else errors.push({ field: "window_amount_date", code: "invalid_window" });
      }
    }
    return {
      method,
      position,
      enabled: form[`enabled_${method}`] === "on",
      dateWindowDays,
      requireChannel: method === "amount_date" ? form.channel_amount_date === "on" : true,
    };
  });
  const positions = rules.map((r) => r.position).filter((p) => !Number.isNaN(p));
  if (errors.length === 0 && new Set(positions).size !== positions.length) {
    for (const r of rules) if (positions.filter((p) => p === r.position).length > 1) errors.push({ field: `position_${r.method}`, code: "duplicate_position" });
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, rules: [...rules].sort((a, b) => a.position - b.position) };
}

/** The form fields of a set of rules (the inverse of parseRuleForm), for the apply form's hidden fields and links. */
export function ruleFormFields(rules: MatchRule[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const r of rules) {
    out[`position_${r.method}`] = String(r.position);
    if (r.enabled) out[`enabled_${r.method}`] = "on";
    if (r.method === "amount_date") {
      out.window_amount_date = r.dateWindowDays === null ? "" : String(r.dateWindowDays);
      if (r.requireChannel) out.channel_amount_date = "on";
    }
  }
  return out;
}

export const sameRules = (a: MatchRule[], b: MatchRule[]) => JSON.stringify(sortRules(a)) === JSON.stringify(sortRules(b));
const sortRules = (rules: MatchRule[]) => [...rules].sort((x, y) => x.method.localeCompare(y.method));
