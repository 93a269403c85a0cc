import { NextResponse, type NextRequest } from "next/server";
import postgres from "postgres";
import { actionOriginRefusal, actionOriginRefusalResponse } from "./lib/action-origin.mjs";
import { env } from "./lib/env";
import { reconnectBackoff } from "./lib/reconnect";
import { REQUEST_ID_HEADER, requestIdFrom } from "./lib/request-id.mjs";

/**
 * Response hardening for every route: a per-request nonce Content-Security-
 * Policy (Next.js applies the nonce to its own scripts when it sees it on the
 * request), HSTS in production, and a request id on the request (for pages,
 * actions, route handlers and their log lines) and on the response. While
 * PostgreSQL is unreachable every request gets a clean 503 naming its request
 * id instead of reaching code that would fail half-way. A server action posted
 * from another origin gets a clean 403 (lib/action-origin.mjs; the production
 * server, scripts/http-server.mjs, refuses it before Next.js reads the body, this
 * covers any other server). Authorization is NOT
 * done here: every page, action and route handler checks its caller in the
 * data layer.
 */
export async function proxy(request: NextRequest) {
  const pathname = request.nextUrl.pathname;
  if (actionOriginRefusal({ method: request.method, pathname, header: (name) => request.headers.get(name), publicBaseUrl: process.env.PUBLIC_BASE_URL })) {
    const refusal = actionOriginRefusalResponse(pathname);
    return new NextResponse(refusal.body, { status: refusal.status, headers: refusal.headers });
  }
  const requestId = requestIdFrom(request.headers.get(REQUEST_ID_HEADER));
  const nonce = btoa(crypto.randomUUID());
  const production = process.env.NODE_ENV === "production";
  const https = env().secureCookies;
  let csp = [
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

  // A proof previewed inline on the ticket page (issue 18) gets a policy of its own: nothing to load or run, framed by this origin only.
  if (PROOF_PREVIEW_PATH.test(request.nextUrl.pathname) && request.nextUrl.searchParams.get("preview") === "1") csp = PROOF_PREVIEW_CSP;

  let response: NextResponse;
  // /api/health reports the outage itself, in its own shape.
  if (request.nextUrl.pathname !== "/api/health" && !(await databaseReachable())) {
    response = unavailable(request, requestId);
  } else {
    const requestHeaders = new Headers(request.headers);
    requestHeaders.set("x-nonce", nonce);
    requestHeaders.set("content-security-policy", csp);
    requestHeaders.set(REQUEST_ID_HEADER, requestId);
    // Nothing downstream may be told it is an internal subrequest (CVE-2025-29927).
    requestHeaders.delete("x-middleware-subrequest");
    response = NextResponse.next({ request: { headers: requestHeaders } });
  }
  response.headers.set("Content-Security-Policy", csp);
  response.headers.set(REQUEST_ID_HEADER, requestId);
  if (https) response.headers.set("Strict-Transport-Security", "max-age=63072000; includeSubDomains");
  return response;
}

const PROOF_PREVIEW_PATH = /^\/staff\/tickets\/[^/]+\/attachments\/\d+$/;
/** No scripts, no fetches, no forms, no plugins; images and inline styles only for the PDF viewer's own page. frame-ancestors overrides X-Frame-Options. */
const PROOF_PREVIEW_CSP = "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; object-src 'none'; script-src 'none'; form-action 'none'; base-uri 'none'; frame-ancestors 'self'";

export const config = {
  matcher: [{ source: "/((?!_next/static|_next/image|favicon.ico).*)" }],
};

/**
 * Whether PostgreSQL answered recently. One `select 1` on a connection of its own at most once a
 * second per instance (concurrent requests share it), so an outage is seen within a second and so
 * is the recovery, without restarting the app. The embedded store (no DATABASE_URL) is in-process.
 */
const PROBE_EVERY_MS = 1000;
const probe = globalThis as unknown as {
  paystatusProbe?: { sql: postgres.Sql; checkedAt: number; up: boolean; pending?: Promise<boolean> };
};

async function databaseReachable(): Promise<boolean> {
  const url = process.env.DATABASE_URL;
  if (!url) return true;
  probe.paystatusProbe ??= { sql: postgres(url, { max: 1, connect_timeout: 2, idle_timeout: 30, backoff: reconnectBackoff, onnotice: () => {} }), checkedAt: 0, up: true };
  const state = probe.paystatusProbe;
  if (Date.now() - state.checkedAt < PROBE_EVERY_MS) return state.up;
  state.pending ??= Promise.race([
    state.sql`select 1`.then(() => true),
    new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 2000).unref()),
  ])
    .catch(() => false)
    .then((up) => {
      Object.assign(state, { up, checkedAt: Date.now(), pending: undefined });
      return up;
    });
  return state.pending;
}

/** The outage answer: JSON for API callers, a small bilingual page otherwise; never a stack trace. */
function unavailable(request: NextRequest, requestId: string): NextResponse {
  const headers = { "Retry-After": "10", "Cache-Control": "no-store" };
  if (request.nextUrl.pathname.startsWith("/api/")) {
    return NextResponse.json({ error: "unavailable", requestId }, { status: 503, headers });
  }
  const html = `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex"><title>暂时无法服务 · Temporarily unavailable</title>
<style>body{font:18px/1.5 system-ui,sans-serif;margin:0 auto;max-width:40rem;padding:1.5rem;color:#111}h1{font-size:1.75rem}code{font-size:1.25rem;font-weight:700}</style></head>
<body><main><h1>系统暂时无法服务</h1><p>请过几分钟再试。如果您刚才在提交表单，它没有保存，请到时重新提交。</p>
<h1 lang="en">Temporarily unavailable</h1><p lang="en">Please try again in a few minutes. If you were sending a form, it was not saved: send it again then.</p>
<p>如需联系我们，请提供此编号 · Quote this number if you contact us: <code data-request-id>${requestId}</code></p>
<p><a href="/">返回首页 · Home</a></p></main></body></html>`;
  return new NextResponse(html, { status: 503, headers: { ...headers, "Content-Type": "text/html; charset=utf-8" } });
}
