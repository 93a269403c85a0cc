import { AsyncLocalStorage } from "node:async_hooks";
import { randomBytes } from "node:crypto";
import { AppError, type Refusal } from "./errors";
import { REQUEST_CONTEXT, REQUEST_ID_HEADER } from "./request-id.mjs";

/**
 * Structured JSON log lines. Callers pass codes and ids, never payer data;
 * errors are reduced to their name and a Postgres error code, because driver
 * messages can carry SQL and parameter values. Inside a request every line
 * carries the request id that proxy.ts set, and an unexpected error is
 * logged under that id, so the number a user quotes finds its line.
 */
type Fields = Record<string, string | number | boolean | null | undefined>;

export function log(level: "info" | "warn" | "error", event: string, fields: Fields = {}): void {
  const line = JSON.stringify({ time: new Date().toISOString(), level, event, requestId: currentRequestId(), ...fields });
  if (level === "error") console.error(line);
  else console.log(line);
}

export function newErrorId(): string {
  return randomBytes(6).toString("hex");
}

export type RequestContext = { requestId: string };

/**
 * The HTTP server (scripts/http-server.mjs) serves each request inside this store, with the id it
 * also puts in the request's X-Request-Id for proxy.ts. It lives on globalThis (REQUEST_CONTEXT)
 * because the server and the bundled app each load their own copy of every module.
 */
export function requestContext(): AsyncLocalStorage<RequestContext> {
  const registry = globalThis as { [key: symbol]: AsyncLocalStorage<RequestContext> | undefined };
  return (registry[REQUEST_CONTEXT] ??= new AsyncLocalStorage<RequestContext>());
}

/** The id of the request being served (pages, server actions, route handlers); undefined outside a request (scripts, the worker). */
export function currentRequestId(): string | undefined {
  return requestContext().getStore()?.requestId;
}

/** Logs an unexpected error and returns the id to show the user: the request id inside a request, else a fresh one. */
export function logUnexpected(event: string, error: unknown, fields: Fields = {}): string {
  const errorId = currentRequestId() ?? newErrorId();
  const e = error as { name?: unknown; code?: unknown; cause?: { code?: unknown } } | null;
  const code = e?.code ?? e?.cause?.code;
  log("error", event, {
    ...fields,
    errorId,
    errorName: typeof e?.name === "string" ? e.name : typeof error,
    errorCode: typeof code === "string" ? code : undefined,
  });
  return errorId;
}

/** What a caller is told about a failure: an AppError as it is; anything else is unexpected, logged, and reported as `error` with its id. */
export function refusalOf(error: unknown, event: string, fields: Fields = {}): Refusal {
  if (error instanceof AppError) return error.reason === undefined ? { code: error.code } : { code: error.code, reason: error.reason };
  return { code: "error", errorId: logUnexpected(event, error, fields) };
}

/**
 * Next.js's `onRequestError` hook (instrumentation.ts): one line per uncaught error with the request
 * id the error page shows, the route pattern (never the path: it holds receipt numbers) and the digest.
 */
export function logRequestError(
  error: unknown,
  request: { method: string; headers: Record<string, string | string[] | undefined> },
  context: { routePath: string; routeType: string },
): void {
  const id = request.headers[REQUEST_ID_HEADER];
  const e = error as { name?: unknown; digest?: unknown } | null;
  log("error", "request_failed", {
    requestId: typeof id === "string" ? id : undefined,
    method: request.method,
    route: context.routePath,
    routeType: context.routeType,
    digest: typeof e?.digest === "string" ? e.digest : undefined,
    errorName: typeof e?.name === "string" ? e.name : typeof error,
  });
}
