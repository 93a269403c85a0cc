/**
 * Where a sign-in may send the browser afterwards. `callbackUrl` comes from the
 * query string, so it is attacker-controlled: only paths on this origin are
 * kept, everything else falls back to the console (open-redirect defence).
 */

export const DEFAULT_AFTER_SIGN_IN = "/staff";

/** A same-origin path (with query and hash), or `fallback` when `target` points anywhere else. */
export function safeCallbackPath(target: string | null | undefined, baseUrl: string, fallback = DEFAULT_AFTER_SIGN_IN): string {
  if (typeof target !== "string" || target.length === 0 || target.length > 2000) return fallback;
  // Control characters and backslashes let browsers reinterpret "/\evil.example" as another host.
  if (/[\u0000-\u001f\u007f\\]/.test(target)) return fallback;
  let base: URL;
  try {
    base = new URL(baseUrl);
  } catch {
    return fallback;
  }
  const isPath = target.startsWith("/") && !target.startsWith("//");
  const isAbsolute = /^https?:\/\//i.test(target);
  if (!isPath && !isAbsolute) return fallback;
  let resolved: URL;
  try {
    resolved = new URL(target, base);
  } catch {
    return fallback;
  }
  if (resolved.origin !== base.origin) return fallback;
  const path = `${resolved.pathname}${resolved.search}${resolved.hash}`;
  // Never bounce back into the sign-in machinery itself.
  if (resolved.pathname === "/staff/login" || resolved.pathname.startsWith("/api/auth")) return fallback;
  return path;
}

/** The Auth.js `redirect` callback: the same rule, answered as an absolute URL on this origin. */
export function safeRedirectUrl(url: string, baseUrl: string): string {
  return new URL(safeCallbackPath(url, baseUrl), baseUrl).toString();
}
