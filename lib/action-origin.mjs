// @ts-check
/**
 * Cross-site server actions (issue 12): a request Next.js would treat as a server action (POST with a
 * `Next-Action` header, or a multipart form POST to a page) must come from the app's own origin. Next.js
 * checks this itself, but only after it has read the body, and answers a mismatch with a 500 and an
 * error log line; this check answers 403 first, cheaply.
 *
 * The expected origin is PUBLIC_BASE_URL's (scheme, host and port), or the host Next.js compares with:
 * the first X-Forwarded-Host entry when present, else Host. A missing Origin and the
 * opaque `null` origin are refused (every browser sends its origin on a POST; the app's Referrer-Policy
 * keeps it from being `null`). GET and HEAD, URL-encoded and JSON posts (never server actions in Next.js
 * 16) and everything under /api/ (channel notifications and API clients send no Origin) are not checked.
 *
 * Every origin this lets through is also accepted by Next.js's own check (action-handler.js compares
 * `new URL(origin).host` with X-Forwarded-Host or Host, or with `serverActions.allowedOrigins`, to which
 * next.config.mjs adds PUBLIC_BASE_URL's host). Plain JavaScript: scripts/http-server.mjs runs it
 * before Next.js touches the request, and proxy.ts runs it again (for servers other than that one).
 */

/** @typedef {(name: string) => string | string[] | null | undefined} HeaderGetter */

/** @param {string | string[] | null | undefined} value */
const first = (value) => (Array.isArray(value) ? value[0] : (value ?? undefined));

/**
 * Whether Next.js would take the request for a server action (the same test as its
 * getServerActionRequestMetadata, URL-encoded posts left out as Next.js leaves them out).
 * @param {string} method @param {string} pathname @param {HeaderGetter} header
 */
export function isServerActionRequest(method, pathname, header) {
  if (method.toUpperCase() !== "POST" || pathname.startsWith("/api/")) return false;
  if (first(header("next-action")) !== undefined) return true;
  return (first(header("content-type")) ?? "").toLowerCase().startsWith("multipart/form-data");
}

/**
 * The host of PUBLIC_BASE_URL, or undefined when it is unset or not a URL (next.config.mjs gives it to
 * Next.js as an allowed origin).
 * @param {string | undefined} publicBaseUrl
 */
export function publicHost(publicBaseUrl) {
  const url = parseUrl(publicBaseUrl);
  return url?.host || undefined;
}

/** @param {string | undefined} value */
function parseUrl(value) {
  if (!value) return undefined;
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}

/**
 * Why a server-action request is refused, or null when it may go on (also null for every request that
 * is not a server action).
 * @param {{ method: string; pathname: string; header: HeaderGetter; publicBaseUrl?: string | undefined }} request
 * @returns {"no_origin" | "null_origin" | "foreign_origin" | null}
 */
export function actionOriginRefusal({ method, pathname, header, publicBaseUrl }) {
  if (!isServerActionRequest(method, pathname, header)) return null;
  const origin = first(header("origin"));
  if (origin === undefined || origin === "") return "no_origin";
  if (origin === "null") return "null_origin";
  const sent = parseUrl(origin);
  if (!sent || sent.origin === "null") return "foreign_origin";
  if (sent.origin === parseUrl(publicBaseUrl)?.origin) return null;
  // Next.js's own rule: the Origin's host is the host the request was sent to (the demo opened as
  // 127.0.0.1 while PUBLIC_BASE_URL says localhost). A browser on another site cannot choose that host.
  const forwarded = first(header("x-forwarded-host"))?.split(",")[0]?.trim();
  const host = forwarded || first(header("host"));
  return host && sent.host === host ? null : "foreign_origin";
}

/**
 * The refusal: 403, JSON under /api/, else a short page in Chinese then English. Never cached.
 * @param {string} pathname
 * @returns {{ status: 403; headers: Record<string, string>; body: string }}
 */
export function actionOriginRefusalResponse(pathname) {
  const headers = { "Cache-Control": "no-store" };
  if (pathname.startsWith("/api/")) {
    return { status: 403, headers: { ...headers, "Content-Type": "application/json" }, body: JSON.stringify({ error: "foreign_origin" }) };
  }
  const body = `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex"><title>未予受理 · Not accepted</title></head>
<body><main data-refusal="foreign_origin"><h1>未予受理</h1><p>这份表单不是从本网站提交的，没有处理。请打开本网站，重新填写后提交。</p>
<h1 lang="en">Not accepted</h1><p lang="en">This form was not sent from this website, so nothing was done. Open the website, fill in the form again and send it.</p>
<p><a href="/">返回首页 · Home</a></p></main></body></html>`;
  return { status: 403, headers: { ...headers, "Content-Type": "text/html; charset=utf-8" }, body };
}
