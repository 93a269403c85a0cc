/** Staff roles and what each may see (SPEC §1): agents work their own queues; supervisors and admins see all. */

export const STAFF_ROLES = ["agent", "supervisor", "admin"] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];
export const ANY_STAFF: readonly StaffRole[] = STAFF_ROLES;

export type StaffScope = { role: StaffRole; queues: readonly string[] };

export function isStaffRole(value: unknown): value is StaffRole {
  return typeof value === "string" && (STAFF_ROLES as readonly string[]).includes(value);
}

/** Whether a staff member may see work in `queue`. */
export function canSeeQueue(scope: StaffScope, queue: string): boolean {
  return scope.role !== "agent" || scope.queues.includes(queue);
}

/** Queue names: lower-case words joined by underscores (bank_liaison, data_entry…). */
export const QUEUE_NAME = /^[a-z][a-z0-9_]{0,39}$/;

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 200;

/** Emails are stored lower-case and trimmed. */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}
