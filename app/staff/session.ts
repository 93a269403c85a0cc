import "server-only";
import { auth } from "@/auth";
import { checkStaffRole, staffForSessionClaims, type StaffCheck, type StaffPrincipal } from "@/db/queries/staff";
import type { StaffRole } from "@/lib/auth/roles";

/** The signed-in staff member, re-read from the database on every call, or null. */
export async function currentStaff(): Promise<StaffPrincipal | null> {
  return staffForSessionClaims(await auth());
}

/** The check every staff route handler and action starts with. */
export async function requireStaff(roles: readonly StaffRole[]): Promise<StaffCheck> {
  return checkStaffRole(await currentStaff(), roles);
}
