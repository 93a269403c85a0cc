import "server-only";
import { revalidatePath } from "next/cache";
import { redirect, unstable_rethrow } from "next/navigation";
import type { z } from "zod";
import { requireStaff } from "@/app/staff/session";
import type { StaffPrincipal } from "@/db/queries/staff";
import type { StaffActionResult } from "@/lib/action-state";
import type { StaffRole } from "@/lib/auth/roles";
import { refusalOf } from "@/lib/log";
import { markAction } from "../action-kind";

/**
 * The staff wrapper every staff server action is made with (STYLE "Server
 * actions"): read the session, load the staff row from the database (enabled,
 * current session_version), check the role, validate the input — in that
 * order, so an anonymous caller learns nothing about the input shape. The
 * data layer checks scope again and audits in the mutation's transaction.
 * Every refusal comes back as an AppError code (lib/errors.ts): the body
 * throws an AppError for one the data layer decided (`refused` with its
 * reason: stale version, wrong status…); anything else is logged and
 * answered `error` with the log line's id.
 */

/** What the action body returns on success: a code for the page, and where to go or what to refresh afterwards. */
export type StaffActionSuccess = { done: string; revalidate?: string; redirectTo?: string };

export function staffAction<S extends z.ZodType>(
  roles: readonly StaffRole[],
  schema: S,
  body: (input: z.output<S>, staff: StaffPrincipal) => Promise<StaffActionSuccess>,
): (previous: StaffActionResult | undefined, formData?: FormData) => Promise<StaffActionResult> {
  return markAction(async function runStaffAction(previous: StaffActionResult | FormData | undefined, formData?: FormData): Promise<StaffActionResult> {
    const form = formData instanceof FormData ? formData : previous instanceof FormData ? previous : new FormData();
    let staff: StaffPrincipal;
    try {
      const check = await requireStaff(roles);
      if (!check.ok) return { ok: false, code: check.code };
      staff = check.staff;
    } catch (error) {
      return { ok: false, ...refusalOf(error, "staff_session_failed") };
    }

    const parsed = schema.safeParse(Object.fromEntries(form.entries()));
    if (!parsed.success) {
      const fieldErrors: Record<string, string[]> = {};
      for (const issue of parsed.error.issues) (fieldErrors[String(issue.path[0] ?? "form")] ??= []).push(issue.code);
      return { ok: false, code: "invalid", fieldErrors };
    }

    let success: StaffActionSuccess;
    try {
      success = await body(parsed.data, staff);
    } catch (error) {
      unstable_rethrow(error);
      return { ok: false, ...refusalOf(error, "staff_action_failed", { staffId: staff.id }) };
    }
    if (success.revalidate) revalidatePath(success.revalidate);
    if (success.redirectTo) redirect(success.redirectTo);
    return { ok: true, done: success.done };
  }, "staff");
}
