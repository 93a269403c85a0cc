"use server";

import { z } from "zod";
import { staffAction } from "@/app/staff/action-client";
import { declareIncident, endIncident } from "@/db/queries/incidents-admin";
import { ZId } from "@/lib/action-state";
import { isIsoDate } from "@/lib/dates";

const ZDate = z.string().refine(isIsoDate);
const ZMessage = z.string().trim().min(1).max(500);

/** Declare or end an incident; db/queries/incidents-admin.ts checks the role again and audits. */
export const declareIncidentAction = staffAction(
  ["supervisor", "admin"],
  z
    .object({
      channel: z.string().regex(/^([a-z_]{1,32})?$/),
      bank: z.string().trim().max(64),
      valueFrom: ZDate,
      valueTo: ZDate,
      messageZh: ZMessage,
      messageEn: ZMessage,
    })
    .refine((i) => i.valueFrom <= i.valueTo, { path: ["valueTo"] }),
  async (input, staff) => {
    const result = await declareIncident(staff, { ...input, channel: input.channel || null, bank: input.bank || null }, new Date());
    return result.ok ? { done: "declared", redirectTo: `/staff/incidents/${result.id}?done=declared` } : { done: "refused", redirectTo: `/staff/incidents?error=${result.code}` };
  },
);

export const endIncidentAction = staffAction(["supervisor", "admin"], z.object({ id: ZId }), async ({ id }, staff) => {
  const result = await endIncident(staff, id, new Date());
  return { done: result.ok ? "ended" : "refused", redirectTo: `/staff/incidents/${id}?${result.ok ? "done=ended" : `error=${result.code}`}` };
});
