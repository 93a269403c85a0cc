/**
 * Staff session lifetime (pure rules; the rows are in staff_sessions). A
 * session ends 8 hours after sign-in whatever happens to its cookie (Auth.js
 * renews the cookie's own expiry as it is used, so that alone would let a
 * copied cookie live for ever), after 30 minutes without a request, and at
 * once when revoked (sign-out) or when the account's session_version moves
 * on (sign out everywhere, disable, role or password change).
 */
export const STAFF_SESSION_ABSOLUTE_MS = 8 * 60 * 60 * 1000;
export const STAFF_SESSION_IDLE_MS = 30 * 60 * 1000;
/** last_seen_at is written at most this often per session (not on every request). */
export const STAFF_SESSION_TOUCH_MS = 60 * 1000;

export type SessionRow = { createdAt: Date; lastSeenAt: Date; revokedAt: Date | null };
export type SessionState = "active" | "revoked" | "expired" | "idle";

export function sessionState(row: SessionRow, now: Date): SessionState {
  if (row.revokedAt !== null) return "revoked";
  if (now.getTime() - row.createdAt.getTime() >= STAFF_SESSION_ABSOLUTE_MS) return "expired";
  if (now.getTime() - row.lastSeenAt.getTime() >= STAFF_SESSION_IDLE_MS) return "idle";
  return "active";
}

export function needsTouch(row: SessionRow, now: Date): boolean {
  return now.getTime() - row.lastSeenAt.getTime() >= STAFF_SESSION_TOUCH_MS;
}
