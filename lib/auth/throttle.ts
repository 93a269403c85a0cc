/**
 * Per-account sign-in throttling (pure rule; the state lives in the staff row
 * so every instance agrees). After MAX_FAILED_LOGINS wrong passwords in a row
 * the account is locked for LOCKOUT_MINUTES; a success clears the count.
 */

export const MAX_FAILED_LOGINS = 5;
export const LOCKOUT_MINUTES = 15;

export type ThrottleState = { failedLogins: number; lockedUntil: Date | null };

export function isLocked(state: ThrottleState, now: Date): boolean {
  return state.lockedUntil !== null && state.lockedUntil.getTime() > now.getTime();
}

/** The state after a wrong password. A lock that has run out starts a fresh count. */
export function afterFailedLogin(state: ThrottleState, now: Date): ThrottleState {
  if (isLocked(state, now)) return state;
  const lockExpired = state.lockedUntil !== null;
  const failedLogins = (lockExpired ? 0 : state.failedLogins) + 1;
  if (failedLogins >= MAX_FAILED_LOGINS) {
    return { failedLogins, lockedUntil: new Date(now.getTime() + LOCKOUT_MINUTES * 60_000) };
  }
  return { failedLogins, lockedUntil: null };
}

export function afterSuccessfulLogin(): ThrottleState {
  return { failedLogins: 0, lockedUntil: null };
}

/**
 * Sign-in attempts per client address, across all accounts (a password spray
 * never trips one account's lock). Generous, because a whole office can sit
 * behind one address.
 */
export const SIGN_IN_CLIENT_LIMIT = { limit: 50, windowSeconds: 15 * 60 } as const;
