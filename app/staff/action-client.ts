import "server-only";
import { revalidatePath } from "next/cache";
import { redirect, unstable_rethrow } from "next/navigation";
import type { z } from "zod";
import { StaffAccountError } from "@/db/queries/staff-accounts";
import { currentStaff, type StaffPrincipal } from "@/db/queries/staff";
import type { StaffRole } from "@/lib/auth/roles";
import { logUnexpected } from "@/lib/log";
import { markAction } from "../action-kind";

/**
 * The staff wrapper every staff server action is made with (STYLE "Server
 * actions"): read the session, load the staff row from the database (enabled,
 * current session_version), check the role, validate the input — in that
 * order, so an anonymous caller learns nothing about the input shape. The
 * data layer checks scope again and audits in the mutation's transaction.
 */

export type StaffActionCode = "unauthorized" | "forbidden" | "invalid" | "not_found" | "self_change" | "refused" | "error";

export type StaffActionResult =
  | { ok: true; done: string }
  | { ok: false; code: StaffActionCode; fieldErrors?: Record<string, string[]>; errorId?: string; reason?: string };

/**
 * What the action body returns: on success a code for the page, and where to go or what to refresh afterwards;
 * or a refusal the data layer decided (stale version, wrong status…), reported as `refused` with its reason.
 */
export type StaffActionSuccess = { done: string; revalidate?: string; redirectTo?: string } | { refused: string };

export function staffAction<S extends z.ZodType>(
  roles: readonly StaffRole[],
  schema: S,
  body: (input: z.output<S>, staff: StaffPrincipal) => Promise<StaffActionSuccess>,
): (previous: StaffActionResult | undefined, formData?: FormData) => Promise<StaffActionResult> {
  return markAction(async function runStaffAction(previous: StaffActionResult | FormData | undefined, formData?: FormData): Promise<StaffActionResult> {
    const form = formData instanceof FormData ? formData : previous instanceof FormData ? previous : new FormData();
    let staff: StaffPrincipal | null;
    try {
      staff = await currentStaff();
    } catch (error) {
      return { ok: false, code: "error", errorId: logUnexpected("staff_session_failed", error) };
    }
    if (!staff) return { ok: false, code: "unauthorized" };
    if (!roles.includes(staff.role)) return { ok: false, code: "forbidden" };

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
      if (error instanceof StaffAccountError) return { ok: false, code: error.code === "email_taken" ? "invalid" : error.code };
      return { ok: false, code: "error", errorId: logUnexpected("staff_action_failed", error, { staffId: staff.id }) };
    }
    if ("refused" in success) return { ok: false, code: "refused", reason: success.refused };
    if (success.revalidate) revalidatePath(success.revalidate);
    if (success.redirectTo) redirect(success.redirectTo);
    return { ok: true, done: success.done };
  }, "staff");
}
