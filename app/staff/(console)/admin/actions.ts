"use server";

import { z } from "zod";
import { publishCalendarYear, removeCalendarOverride, setCalendarOverride, setFee, updateChannel } from "@/db/queries/admin-settings";
import { LIBRARY_LAST_YEAR } from "@/lib/calendar";
import { isIsoDate, yearOf } from "@/lib/dates";
import { parseYuan } from "@/lib/money";
import { staffAction } from "../../action-client";

/**
 * Admin settings. Every export is made with staffAction (a test enforces it);
 * the data layer checks the role again and audits each change in its
 * transaction. Field names double as the keys of the per-field messages.
 */

const SETTINGS = "/staff/admin/settings";
const CODE = z.string().regex(/^[a-z][a-z0-9_]{0,39}$/);
const ZDay = z
  .string()
  .trim()
  .refine((v) => isIsoDate(v) && yearOf(v) >= 2000 && yearOf(v) <= 2100);
const wholeNumber = (min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d{1,4}$/)
    .transform(Number)
    .refine((n) => n >= min && n <= max);

export const updateChannelAction = staffAction(
  ["admin"],
  z.object({
    code: CODE,
    lagDays: wholeNumber(0, 30),
    cutoff: z
      .string()
      .trim()
      .regex(/^([01]\d|2[0-3]):[0-5]\d$/),
    lockWindowMinutes: z.union([z.string().trim().length(0).transform(() => null), wholeNumber(1, 1440)]),
  }),
  async (input, staff) => {
    await updateChannel(staff, input);
    return { done: "channel_saved", revalidate: SETTINGS };
  },
);

export const setCalendarOverrideAction = staffAction(
  ["admin"],
  z.object({ day: ZDay, isBusinessDay: z.enum(["true", "false"]).transform((v) => v === "true"), note: z.string().trim().max(200).default("") }),
  async (input, staff) => {
    await setCalendarOverride(staff, input);
    return { done: "calendar_saved", revalidate: SETTINGS };
  },
);

export const removeCalendarOverrideAction = staffAction(["admin"], z.object({ day: ZDay }), async ({ day }, staff) => {
  await removeCalendarOverride(staff, day);
  return { done: "calendar_removed", revalidate: SETTINGS };
});

export const publishCalendarYearAction = staffAction(
  ["admin"],
  z.object({ year: wholeNumber(LIBRARY_LAST_YEAR + 1, 2100) }),
  async ({ year }, staff) => {
    await publishCalendarYear(staff, year);
    return { done: "year_published", revalidate: SETTINGS };
  },
);

export const setFeeAction = staffAction(
  ["admin"],
  z.object({
    service: CODE,
    amount: z.string().transform((value, ctx) => {
      const parsed = parseYuan(value);
      if (!parsed.ok) {
        ctx.addIssue({ code: "custom", message: parsed.reason });
        return z.NEVER;
      }
      return parsed.fen;
    }),
    effectiveFrom: ZDay,
  }),
  async ({ service, amount, effectiveFrom }, staff) => {
    await setFee(staff, { service, amountFen: amount, effectiveFrom });
    return { done: "fee_saved", revalidate: SETTINGS };
  },
);
