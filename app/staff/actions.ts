"use server";

import { z } from "zod";
import { signOut } from "@/auth";
import { changeStaffRole, endAllSessions, setStaffDisabled } from "@/db/queries/staff-accounts";
import { resetStaffTotp } from "@/db/queries/staff-totp";
import { ZId } from "@/lib/action-state";
import { ANY_STAFF, STAFF_ROLES } from "@/lib/auth/roles";
import { staffAction } from "./action-client";

/** Staff server actions. Every export is made with staffAction (a test enforces it). */

const ZNoInput = z.object({});

export const signOutAction = staffAction(ANY_STAFF, ZNoInput, async () => {
  await signOut({ redirect: false });
  return { done: "signed_out", redirectTo: "/staff/login" };
});

export const signOutEverywhereAction = staffAction(ANY_STAFF, ZNoInput, async (_input, staff) => {
  await endAllSessions(staff);
  await signOut({ redirect: false });
  return { done: "signed_out", redirectTo: "/staff/login" };
});

export const setStaffDisabledAction = staffAction(
  ["admin"],
  z.object({ staffId: ZId, disabled: z.enum(["true", "false"]) }),
  async ({ staffId, disabled }, staff) => {
    await setStaffDisabled(staff, staffId, disabled === "true");
    return { done: disabled === "true" ? "disabled" : "enabled", revalidate: "/staff/admin/staff" };
  },
);

export const changeStaffRoleAction = staffAction(["admin"], z.object({ staffId: ZId, role: z.enum(STAFF_ROLES) }), async ({ staffId, role }, staff) => {
  await changeStaffRole(staff, staffId, role);
  return { done: "role_changed", revalidate: "/staff/admin/staff" };
});

/** A lost phone: the admin forgets that member's second factor (their sessions end; a supervisor or admin enrols again at the next sign-in). Audited. */
export const resetStaffTwoFactorAction = staffAction(["admin"], z.object({ staffId: ZId }), async ({ staffId }, staff) => {
  await resetStaffTotp(staff.id, staffId);
  return { done: "two_factor_reset", revalidate: "/staff/admin/staff" };
});
