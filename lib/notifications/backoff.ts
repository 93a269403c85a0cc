/**
 * When to try a failed notification again: 30 s, 1 min, 2 min, … doubling
 * up to one hour, and then hourly for as long as it keeps failing (a message
 * is never dropped). Up to 20 % jitter, always downwards so the cap holds,
 * spreads retries from many instances after a shared outage.
 */
export const RETRY_BASE_MS = 30_000;
export const RETRY_CAP_MS = 60 * 60_000;
export const RETRY_JITTER = 0.2;

/** `failures` counts the failed attempts so far, this one included (1 after the first failure). */
export function retryDelayMs(failures: number, random: () => number = Math.random): number {
  const exponent = Math.max(0, Math.min(failures - 1, 30));
  const delay = Math.min(RETRY_CAP_MS, RETRY_BASE_MS * 2 ** exponent);
  return Math.round(delay * (1 - RETRY_JITTER * random()));
}
