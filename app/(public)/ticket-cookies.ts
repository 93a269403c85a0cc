import "server-only";
import { cookies } from "next/headers";
import { env } from "@/lib/env";

/** The tracking secret lives in an HttpOnly cookie scoped to its ticket's path. */
export const TRACKING_COOKIE = "ps_track";
/** Marks a ticket just created on this device, so its private link is shown this once. */
export const NEW_TICKET_COOKIE = "ps_new";

/** Options of the tracking cookie for one ticket (route handlers set it on their own response). */
export function trackingCookieOptions(ref: string, maxAge = 60 * 60 * 24 * 365) {
  return { path: `/t/${ref}`, httpOnly: true, sameSite: "lax" as const, secure: env().secureCookies, maxAge };
}

export async function rememberTicket(ref: string, secret: string, justCreated: boolean): Promise<void> {
  const jar = await cookies();
  jar.set(TRACKING_COOKIE, secret, trackingCookieOptions(ref));
  if (justCreated) jar.set(NEW_TICKET_COOKIE, "1", trackingCookieOptions(ref, 300));
}

export async function trackingSecret(): Promise<string | undefined> {
  return (await cookies()).get(TRACKING_COOKIE)?.value;
}

export async function justCreated(): Promise<boolean> {
  return (await cookies()).get(NEW_TICKET_COOKIE)?.value === "1";
}
