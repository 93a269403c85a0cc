import { NextResponse, type NextRequest } from "next/server";
import { holderSecretIsValid } from "@/db/queries/tickets";
import { TICKET_REF_PATTERN } from "@/lib/tickets";
import { TRACKING_COOKIE, trackingCookieOptions } from "../../../ticket-cookies";

/**
 * The private tracking link: /t/REF/open?k=SECRET. A valid secret moves into
 * the HttpOnly cookie and the browser goes on to the clean URL, so the secret
 * does not stay in the address bar, history or screenshots.
 */
export async function GET(request: NextRequest, { params }: { params: Promise<{ ref: string }> }) {
  const { ref } = await params;
  if (!TICKET_REF_PATTERN.test(ref)) return new NextResponse(null, { status: 404 });
  const secret = request.nextUrl.searchParams.get("k") ?? "";
  // A relative Location keeps the browser on the host it used (and so with its cookie).
  const response = new NextResponse(null, { status: 303, headers: { Location: `/t/${ref}` } });
  if (secret && (await holderSecretIsValid(ref, secret))) response.cookies.set(TRACKING_COOKIE, secret, trackingCookieOptions(ref));
  response.headers.set("Cache-Control", "no-store");
  response.headers.set("Referrer-Policy", "no-referrer");
  return response;
}
