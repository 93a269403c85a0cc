import "server-only";
import { sql } from "drizzle-orm";
import { DEFAULT_MATCH_RULES, MATCH_METHODS, type MatchMethodCode, type MatchRule } from "@/lib/match-rules";
import { queryRows, type Executor } from "../client";

/**
 * The match_rules rows (issue 16), in position order: what matchSettlements runs. A store without the
 * rows (never the case after the migration) matches as SPEC §2.2 fixes it.
 */
export async function loadMatchRules(tx: Executor): Promise<MatchRule[]> {
  const rows = await queryRows<{ method: string; position: number; enabled: boolean; date_window_days: number | null; require_channel: boolean }>(
    tx,
    sql`select method, position, enabled, date_window_days, require_channel from match_rules order by position, method`,
  );
  const known = rows.filter((r): r is typeof r & { method: MatchMethodCode } => (MATCH_METHODS as readonly string[]).includes(r.method));
  if (known.length === 0) return DEFAULT_MATCH_RULES;
  return known.map((r) => ({ method: r.method, position: Number(r.position), enabled: r.enabled, dateWindowDays: r.date_window_days === null ? null : Number(r.date_window_days), requireChannel: r.require_channel }));
}

/** Stores a full set of rules (the caller audits and holds the transaction). */
export async function storeMatchRules(tx: Executor, rules: MatchRule[], actor: string): Promise<void> {
  const rows = JSON.stringify(rules);
  await tx.execute(sql`
    insert into match_rules (method, position, enabled, date_window_days, require_channel, updated_by, updated_at)
    select x.method, x.position, x.enabled, x."dateWindowDays", x."requireChannel", ${actor}, now()
    from json_to_recordset(${rows}::json) as x(method text, position int, enabled boolean, "dateWindowDays" int, "requireChannel" boolean)
    on conflict (method) do update set position = excluded.position, enabled = excluded.enabled, date_window_days = excluded.date_window_days,
      require_channel = excluded.require_channel, updated_by = excluded.updated_by, updated_at = excluded.updated_at`);
}
