import "server-only";
import { sql } from "drizzle-orm";
import { DEFAULT_MATCH_RULES, MATCH_METHODS, REQUIRED_LINE_FIELDS, type MatchMethodCode, type MatchRule, type RequiredLineField } from "@/lib/match-rules";
import { queryRows, type Executor } from "../client";

/**
 * The match_rules rows (issue 16), in position order: what matchSettlements runs. A store without the
 * rows (never the case after the migration) matches as SPEC §2.2 fixes it.
 */
export async function loadMatchRules(tx: Executor): Promise<MatchRule[]> {
  const rows = await queryRows<{
    method: string;
    position: number;
    enabled: boolean;
    date_window_days: number | null;
    require_channel: boolean;
    tolerance_fen: number | string;
    required_fields: string[];
  }>(tx, sql`select method, position, enabled, date_window_days, require_channel, tolerance_fen, to_json(required_fields) as required_fields from match_rules order by position, method`);
  const known = rows.filter((r): r is typeof r & { method: MatchMethodCode } => (MATCH_METHODS as readonly string[]).includes(r.method));
  if (known.length === 0) return DEFAULT_MATCH_RULES;
  return known.map((r) => ({
    method: r.method,
    position: Number(r.position),
    enabled: r.enabled,
    dateWindowDays: r.date_window_days === null ? null : Number(r.date_window_days),
    requireChannel: r.require_channel,
    toleranceFen: Number(r.tolerance_fen),
    // In the order of REQUIRED_LINE_FIELDS, so that stored and parsed rules compare equal.
    requiredFields: REQUIRED_LINE_FIELDS.filter((f: RequiredLineField) => r.required_fields.includes(f)),
  }));
}

/** Stores a full set of rules (the caller audits and holds the transaction). */
export async function storeMatchRules(tx: Executor, rules: MatchRule[], actor: string): Promise<void> {
  const rows = JSON.stringify(rules);
  await tx.execute(sql`
    insert into match_rules (method, position, enabled, date_window_days, require_channel, tolerance_fen, required_fields, updated_by, updated_at)
    select x.method, x.position, x.enabled, x."dateWindowDays", x."requireChannel", coalesce(x."toleranceFen", 0),
           array(select json_array_elements_text(coalesce(x."requiredFields", '[]'::json))), ${actor}, now()
    from json_to_recordset(${rows}::json) as x(method text, position int, enabled boolean, "dateWindowDays" int, "requireChannel" boolean, "toleranceFen" bigint, "requiredFields" json)
    on conflict (method) do update set position = excluded.position, enabled = excluded.enabled, date_window_days = excluded.date_window_days,
      require_channel = excluded.require_channel, tolerance_fen = excluded.tolerance_fen, required_fields = excluded.required_fields,
      updated_by = excluded.updated_by, updated_at = excluded.updated_at`);
}
