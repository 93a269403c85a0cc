import { fill, type Messages } from "./i18n";

/**
 * The one application error (STYLE "Errors and validation"). The data layer
 * and the action wrappers refuse with one of these codes; the user reads its
 * translation (`t.appErrors`), an HTTP caller its status. Anything thrown that
 * is not an AppError is unexpected: logged with an id (lib/log.ts
 * `refusalOf`) and shown as `error` with that id.
 *
 * | code           | status | meaning |
 * | `unauthorized` | 401    | no valid staff session (signed out, disabled, session version moved on) |
 * | `forbidden`    | 403    | the caller's role or queue scope does not allow it |
 * | `not_found`    | 404    | the object does not exist, or not for this caller |
 * | `invalid`      | 400    | the input failed its schema; `fieldErrors` name the fields |
 * | `conflict`     | 409    | it exists already (an email another account uses) |
 * | `self_change`  | 409    | an admin disabling or demoting their own account |
 * | `refused`      | 409    | a rule of the domain said no; `reason` is the rule's code (stale version, wrong status…) |
 * | `rate_limited` | 429    | too many attempts from this client |
 * | `error`        | 500    | unexpected; shown with the id of its log line |
 */
export const APP_ERROR_CODES = ["unauthorized", "forbidden", "not_found", "invalid", "conflict", "self_change", "refused", "rate_limited", "error"] as const;
export type AppErrorCode = (typeof APP_ERROR_CODES)[number];

export class AppError extends Error {
  constructor(
    readonly code: AppErrorCode,
    /** For `refused` and `conflict`: which rule said no, for the page to name it. */
    readonly reason?: string,
  ) {
    super(reason ? `${code}: ${reason}` : code);
    this.name = "AppError";
  }
}

/** A refusal as it travels to a page: the code, the rule behind it, and for `error` the id the log line carries. */
export type Refusal = { code: AppErrorCode; reason?: string; errorId?: string };

const HTTP_STATUS: Record<AppErrorCode, number> = {
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  invalid: 400,
  conflict: 409,
  self_change: 409,
  refused: 409,
  rate_limited: 429,
  error: 500,
};

export function httpStatusOf(code: AppErrorCode): number {
  return HTTP_STATUS[code];
}

/** The sentence the user reads for a code, in their language; `error` names its id. */
export function errorMessage(t: Messages, code: AppErrorCode, errorId = ""): string {
  return fill(t.appErrors[code], { id: errorId });
}
