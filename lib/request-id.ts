/**
 * The request id: one per HTTP request, set by proxy.ts on the request (for
 * pages, actions, route handlers and their log lines) and on the response.
 * The load balancer may send its own (so its access log and ours share the
 * id); anything that is not a short plain token is replaced, because the id
 * is copied into logs and pages.
 */
export const REQUEST_ID_HEADER = "x-request-id";

const SANE = /^[A-Za-z0-9][A-Za-z0-9._:-]{7,63}$/;

export function isSaneRequestId(value: string | null | undefined): value is string {
  return typeof value === "string" && SANE.test(value);
}

/** 16 lowercase hex characters: short enough to read out on the phone. */
export function newRequestId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(8));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

export function requestIdFrom(incoming: string | null | undefined): string {
  return isSaneRequestId(incoming) ? incoming : newRequestId();
}
