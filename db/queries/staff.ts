import "server-only";
import type { StaffRole } from "@/lib/auth/roles";
import { staffForSession, type StaffPrincipal } from "./staff-auth";

export type { StaffPrincipal };

/**
 * The staff member a session names, re-read from the database, or null. The
 * session cookie (read by the caller, app/staff/session.ts) only names the
 * staff id and the session_version; role, queues and "still enabled" always
 * come from the row.
 */
export async function staffForSessionClaims(session: { user?: { id?: string }; sessionVersion?: number } | null): Promise<StaffPrincipal | null> {
  const staffId = Number(session?.user?.id);
  const sessionVersion = session?.sessionVersion;
  if (!session || !Number.isSafeInteger(staffId) || typeof sessionVersion !== "number") return null;
  return staffForSession(staffId, sessionVersion);
}

export type StaffCheck = { ok: true; staff: StaffPrincipal } | { ok: false; code: "unauthorized" | "forbidden" };

/** No staff member: `unauthorized`; a role not in the list: `forbidden`. */
export function checkStaffRole(member: StaffPrincipal | null, roles: readonly StaffRole[]): StaffCheck {
  if (!member) return { ok: false, code: "unauthorized" };
  if (!roles.includes(member.role)) return { ok: false, code: "forbidden" };
  return { ok: true, staff: member };
}
