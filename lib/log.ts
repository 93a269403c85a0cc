import { randomBytes } from "node:crypto";

/**
 * Structured JSON log lines. Callers pass codes and ids, never payer data;
 * errors are reduced to their name and a Postgres error code, because driver
 * messages can carry SQL and parameter values.
 */
type Fields = Record<string, string | number | boolean | null | undefined>;

export function log(level: "info" | "warn" | "error", event: string, fields: Fields = {}): void {
  const line = JSON.stringify({ time: new Date().toISOString(), level, event, ...fields });
  if (level === "error") console.error(line);
  else console.log(line);
}

export function newErrorId(): string {
  return randomBytes(6).toString("hex");
}

/** Logs an unexpected error under a fresh id and returns the id to show the user. */
export function logUnexpected(event: string, error: unknown, fields: Fields = {}): string {
  const errorId = newErrorId();
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
