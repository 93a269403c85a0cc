import { NextResponse, type NextRequest } from "next/server";

/**
 * Response hardening for every route: a per-request nonce Content-Security-
 * Policy (Next.js applies the nonce to its own scripts when it sees it on the
 * request), HSTS in production. Authorization is NOT done here: every page,
 * action and route handler checks its caller in the data layer.
 */
export function proxy(request: NextRequest) {
  const nonce = btoa(crypto.randomUUID());
  const production = process.env.NODE_ENV === "production";
  const https = production && process.env.PAYSTATUS_INSECURE_COOKIES !== "1";
  const csp = [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${production ? "" : " 'unsafe-eval'"}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    ...(https ? ["upgrade-insecure-requests"] : []),
  ].join("; ");

  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("x-nonce", nonce);
  requestHeaders.set("content-security-policy", csp);
  // Nothing downstream may be told it is an internal subrequest (CVE-2025-29927).
  requestHeaders.delete("x-middleware-subrequest");

  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set("Content-Security-Policy", csp);
  if (https) response.headers.set("Strict-Transport-Security", "max-age=63072000; includeSubDomains");
  return response;
}

export const config = {
  matcher: [{ source: "/((?!_next/static|_next/image|favicon.ico).*)" }],
};
