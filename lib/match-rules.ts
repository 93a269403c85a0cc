/**
 * The rules that drive matching (issue 16), as finance edits them: which methods run, in what order,
 * the date window of amount-and-date matching, whether it requires the same channel, the amount it
 * tolerates and the line fields it requires. Pure: parsing
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
  /**
   * amount_date only: a line whose amount differs from the receipt's by at most this many fen is a
   * candidate (0: the same amount). At most MAX_TOLERANCE_FEN; the difference is recorded on the match.
   */
  toleranceFen: number;
  /** amount_date only: line fields that must be present for the line to be considered (none: any line). */
  requiredFields: RequiredLineField[];
};

/**
 * The statement-line fields amount-and-date matching can require. Lines carry no payer name (no
 * statement format gives one the importers read), so the payer's account stands for the payer.
 */
export const REQUIRED_LINE_FIELDS = ["payer_account", "remittance"] as const;
export type RequiredLineField = (typeof REQUIRED_LINE_FIELDS)[number];

/**
 * 100.00 yuan (the migration's check on match_rules.tolerance_fen): tolerance is for the few fen of a
 * rounding or a bank's charge, and a larger one would pair a receipt with a different payment's credit.
 */
export const MAX_TOLERANCE_FEN = 10_000;

/** SPEC §2.2 as it was fixed before the rules existed; the migration stores exactly these. */
export const DEFAULT_MATCH_RULES: MatchRule[] = [
  { method: "reference", position: 1, enabled: true, dateWindowDays: null, requireChannel: true, toleranceFen: 0, requiredFields: [] },
  { method: "remittance", position: 2, enabled: true, dateWindowDays: null, requireChannel: true, toleranceFen: 0, requiredFields: [] },
  { method: "amount_date", position: 3, enabled: true, dateWindowDays: null, requireChannel: true, toleranceFen: 0, requiredFields: [] },
];

export const MAX_DATE_WINDOW_DAYS = 31;

export type RuleFormError = { field: string; code: "invalid_position" | "duplicate_position" | "invalid_window" | "invalid_tolerance" };

/**
 * A tolerance in yuan as the form gives it ("0.05", "1", "1.5"; empty = 0) in fen, or null when it is not
 * 0–MAX_TOLERANCE_FEN fen written with at most two decimals.
 */
export function parseToleranceYuan(raw: string): number | null {
  const v = raw.trim();
  if (v === "") return 0;
  const m = /^(\d{1,3})(?:\.(\d{1,2}))?$/.exec(v);
  if (!m) return null;
  const fen = Number(m[1]) * 100 + Number((m[2] ?? "").padEnd(2, "0"));
  return fen <= MAX_TOLERANCE_FEN ? fen : null;
}

/** The form's writing of a tolerance: empty for 0, else yuan with two decimals ("0.05"). */
export const toleranceYuan = (fen: number) => (fen === 0 ? "" : `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, "0")}`);

/**
 * The console form (fields `position_<method>`, `enabled_<method>`, `window_amount_date`, `channel_amount_date`,
 * `tolerance_amount_date`, `require_<field>_amount_date`) as rules, or the fields that are wrong. Positions
 * are 1–3 and distinct; the window is empty or 0–31 days; the tolerance is empty or 0–100.00 yuan.
 */
export function parseRuleForm(form: Record<string, string | undefined>): { ok: true; rules: MatchRule[] } | { ok: false; errors: RuleFormError[] } {
  const errors: RuleFormError[] = [];
  const rules = MATCH_METHODS.map((method): MatchRule => {
    const raw = (form[`position_${method}`] ?? "").trim();
    const position = /^[1-3]$/.test(raw) ? Number(raw) : NaN;
    if (Number.isNaN(position)) errors.push({ field: `position_${method}`, code: "invalid_position" });
    let dateWindowDays: number | null = null;
    let toleranceFen = 0;
    if (method === "amount_date") {
      const w = (form.window_amount_date ?? "").trim();
      if (w !== "") {
        if (/^\d{1,2}$/.test(w) && Number(w) <= MAX_DATE_WINDOW_DAYS) dateWindowDays = Number(w);
        else errors.push({ field: "window_amount_date", code: "invalid_window" });
      }
      const tolerance = parseToleranceYuan(form.tolerance_amount_date ?? "");
      if (tolerance === null) errors.push({ field: "tolerance_amount_date", code: "invalid_tolerance" });
      else toleranceFen = tolerance;
    }
    return {
      method,
      position,
      enabled: form[`enabled_${method}`] === "on",
      dateWindowDays,
      requireChannel: method === "amount_date" ? form.channel_amount_date === "on" : true,
      toleranceFen,
      requiredFields: method === "amount_date" ? REQUIRED_LINE_FIELDS.filter((f) => form[`require_${f}_amount_date`] === "on") : [],
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
      out.tolerance_amount_date = toleranceYuan(r.toleranceFen);
      for (const f of r.requiredFields) out[`require_${f}_amount_date`] = "on";
    }
  }
  return out;
}

export const sameRules = (a: MatchRule[], b: MatchRule[]) => JSON.stringify(sortRules(a)) === JSON.stringify(sortRules(b));
const sortRules = (rules: MatchRule[]) => [...rules].sort((x, y) => x.method.localeCompare(y.method));
