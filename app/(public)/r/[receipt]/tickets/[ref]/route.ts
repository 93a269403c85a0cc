import { NextResponse, type NextRequest } from "next/server";
import { holderSecretForReceipt } from "@/db/queries/tickets";
import { env } from "@/lib/env";
import { checkReceiptNo } from "@/lib/receipt-number";
import { TICKET_REF_PATTERN } from "@/lib/tickets";
import { receiptAccess } from "../../../../receipt-access";
import { TRACKING_COOKIE, trackingCookieOptions } from "../../../../ticket-cookies";

/**
 * The recovery path (issue 18): someone who has just proven access to a receipt (its QR token, or a lookup
 * with the right amount) opens a ticket made for that receipt on this device. The tracking secret moves
 * into the ticket's HttpOnly cookie, as with the private link; without access, or for another receipt's
 * ticket, nothing is set and the tracking page explains how to get in.
 */
export async function GET(request: NextRequest, { params }: { params: Promise<{ receipt: string; ref: string }> }) {
  const { receipt, ref } = await params;
  const checked = checkReceiptNo(receipt, env().receiptFormat);
  if (!checked.ok || !TICKET_REF_PATTERN.test(ref)) return new NextResponse(null, { status: 404 });
  const response = new NextResponse(null, { status: 303, headers: { Location: `/t/${ref}` } });
  response.headers.set("Cache-Control", "no-store");
  response.headers.set("Referrer-Policy", "no-referrer");
  const access = await receiptAccess(checked.receiptNo, request.nextUrl.searchParams.get("t") ?? undefined);
  if (!access.viaToken && !access.viaLookup) return response;
  const secret = await holderSecretForReceipt(checked.receiptNo, ref);
  if (secret) response.cookies.set(TRACKING_COOKIE, secret, trackingCookieOptions(ref));
  return response;
}
