import "server-only";
import { redirect } from "next/navigation";
import { cache } from "react";
import { currentStaff } from "@/app/staff/session";
import type { StaffPrincipal } from "@/db/queries/staff";

/**
 * Every console page and its layout call this (layouts are not re-rendered on
 * client navigation, pages are): no valid session → the sign-in page, with
 * the page to come back to. Checked against the database once per request.
 */
export const currentStaffOnce = cache(currentStaff);

export const consoleStaff = cache(async (returnTo = "/staff"): Promise<StaffPrincipal> => {
  const staff = await currentStaffOnce();
  if (!staff) redirect(`/staff/login?callbackUrl=${encodeURIComponent(returnTo)}`);
  return staff;
});
