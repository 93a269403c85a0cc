import "server-only";
import { cookies } from "next/headers";
import { env } from "@/lib/env";
import { verifySubscribedMark } from "@/lib/posting-notice";

/** "This browser asked to be told when this receipt posts": a signature of the receipt number, no contact. */
export const SUBSCRIBED_COOKIE = "ps_sub";

export function subscribedCookieOptions(receiptNo: string) {
  return {
    path: `/r/${receiptNo}`,
    httpOnly: true,
    sameSite: "lax" as const,
    secure: process.env.NODE_ENV === "production" && process.env.PAYSTATUS_INSECURE_COOKIES !== "1",
    maxAge: 60 * 60 * 24 * 60,
  };
}

export async function subscribedHere(receiptNo: string): Promise<boolean> {
  return verifySubscribedMark(env().AUTH_SECRET, receiptNo, (await cookies()).get(SUBSCRIBED_COOKIE)?.value);
}
