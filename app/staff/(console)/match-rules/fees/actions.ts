"use server";

import { z } from "zod";
import { staffAction } from "@/app/staff/action-client";
import { applyFeeRule } from "@/db/queries/fee-rules";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";

const field = z.string().max(32).optional();

/** Applies the version the page has just tried (db/queries/fee-rules.ts checks who again, plans it again, re-matches and audits). */
export const applyFeeRuleAction = staffAction(
  ["agent", "supervisor", "admin"],
  z.object({ channel: field, effective_from: field, rate: field, rate_unit: field, rounding: field, min: field, max: field, applies_to: field, tolerance: field }),
  async (input, staff) => {
    const outcome = await applyFeeRule(staff, input, { timeZone: env().TZ });
    if (!outcome.ok) throw new AppError("invalid");
    const { diff } = outcome;
    return { done: "applied", redirectTo: `/staff/match-rules/fees?done=applied&appear=${diff.appear}&disappear=${diff.disappear}&change=${diff.change}` };
  },
);
