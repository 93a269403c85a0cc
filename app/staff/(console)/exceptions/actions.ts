"use server";

import { z } from "zod";
import { staffAction } from "@/app/staff/action-client";
import { manualMatch } from "@/db/queries/manual-match";
import { ZId } from "@/lib/action-state";
import { exceptionQuery, exceptionSearch } from "./filters";

/** Match an exception line to a candidate receipt by hand; manualMatch checks scope, refuses matched lines or receipts, and audits. */
export const matchExceptionAction = staffAction(
  ["agent", "supervisor", "admin"],
  z.object({ lineId: ZId, receiptId: ZId, channel: z.string().optional(), from: z.string().optional(), to: z.string().optional(), amount: z.string().optional() }),
  async (input, staff) => {
    const result = await manualMatch({ receiptId: input.receiptId, lineId: input.lineId, staff, now: new Date() });
    const back = exceptionQuery({ channel: input.channel, from: input.from, to: input.to, amount: input.amount });
    return { done: result.ok ? "matched" : "refused", redirectTo: `/staff/exceptions${exceptionSearch(back, result.ok ? { done: "matched" } : { error: result.code })}` };
  },
);
