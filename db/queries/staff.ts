import "server-only";
import { auth } from "@/auth";
import type { StaffRole } from "@/lib/auth/roles";
import { staffForSession, type StaffPrincipal } from "./staff-auth";

export type { StaffPrincipal };

/**
 * The signed-in staff member, re-read from the database on every call, or
 * null. The session cookie only names the staff id and the session_version;
 * role, queues and "still enabled" always come from the row.
 */
export async function currentStaff(): Promise<StaffPrincipal | null> {
  const session = await auth();
  const staffId = Number(session?.user?.id);
  const sessionVersion = session?.sessionVersion;
  if (!session || !Number.isSafeInteger(staffId) || typeof sessionVersion !== "number") return null;
  return staffForSession(staffId, sessionVersion);
}

export type StaffCheck = { ok: true; staff: StaffPrincipal } | { ok: false; status: 401 | 403; code: "unauthorized" | "forbidden" };

/** The check every staff route handler and action starts with. */
export async function requireStaff(roles: readonly StaffRole[]): Promise<StaffCheck> {
  const member = await currentStaff();
  if (!member) return { ok: false, status: 401, code: "unauthorized" };
  if (!roles.includes(member.role)) return { ok: false, status: 403, code: "forbidden" };
  return { ok: true, staff: member };
}
