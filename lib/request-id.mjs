// @ts-check
/**
 * The request id: one per HTTP request, chosen by the HTTP server
 * (scripts/http-server.mjs, which serves the request inside lib/log.ts's
 * request context under that id) and kept by proxy.ts on the request (for
 * pages, actions, route handlers) and on the response.
 * The load balancer may send its own (so its access log and ours share the
 * id); anything that is not a short plain token is replaced, because the id
 * is copied into logs and pages.
 */
export const REQUEST_ID_HEADER = "x-request-id";

const SANE = /^[A-Za-z0-9][A-Za-z0-9._:-]{7,63}$/;

/** @param {string | null | undefined} value @returns {value is string} */
export function isSaneRequestId(value) {
  return typeof value === "string" && SANE.test(value);
}

/** 16 lowercase hex characters: short enough to read out on the phone. */
/** @returns {string} */
export function newRequestId() {
  const bytes = crypto.getRandomValues(new Uint8Array(8));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** @param {string | null | undefined} incoming @returns {string} */
export function requestIdFrom(incoming) {
  return isSaneRequestId(incoming) ? incoming : newRequestId();
}

/** lib/log.ts's request context lives on globalThis under this symbol (the server and the bundled app load separate module copies). */
export const REQUEST_CONTEXT = Symbol.for("paystatus.requestContext");
