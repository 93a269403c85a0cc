"use server";

import { z } from "zod";
import { staffAction } from "@/app/staff/action-client";
import { applyMatchRules } from "@/db/queries/match-rules";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { parseRuleForm } from "@/lib/match-rules";

const field = z.string().max(8).optional();

/** Applies rules the page has just tried (db/queries/match-rules.ts checks who again, re-matches and audits). */
export const applyMatchRulesAction = staffAction(
  ["agent", "supervisor", "admin"],
  z.object({
    position_reference: field,
    position_remittance: field,
    position_amount_date: field,
    enabled_reference: field,
    enabled_remittance: field,
    enabled_amount_date: field,
    window_amount_date: field,
    channel_amount_date: field,
    tolerance_amount_date: field,
    require_payer_account_amount_date: field,
    require_remittance_amount_date: field,
  }),
  async (input, staff) => {
    const parsed = parseRuleForm(input);
    if (!parsed.ok) throw new AppError("invalid");
    const diff = await applyMatchRules(staff, parsed.rules, { timeZone: env().TZ });
    return { done: "applied", redirectTo: `/staff/match-rules?done=applied&appear=${diff.appear}&disappear=${diff.disappear}&change=${diff.change}` };
  },
);
