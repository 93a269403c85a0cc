/**
 * Seconds postgres.js waits before reconnecting after a failed attempt. Its
 * default grows to 20 s and is shared by every connection of a pool, so after
 * a restart of PostgreSQL the health probe and queued queries stalled for up to
 * 20 s once the server was back; short and capped, recovery is seen within half
 * a second, and a query cannot queue behind a long wait while the server is down.
 */
export function reconnectBackoff(retries: number): number {
  return Math.min(0.05 * 2 ** retries, 0.5);
}
