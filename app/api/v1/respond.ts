import "server-only";
import { staffForApiToken } from "@/db/queries/api-tokens";
import { AppError, httpStatusOf } from "@/lib/errors";
import { logUnexpected } from "@/lib/log";

/** JSON answers for the integration API: codes, never stack traces or SQL. */
export type ApiErrorCode = "unauthorized" | "forbidden" | "invalid_receipt_no" | "invalid_request" | "payload_too_large" | "not_found" | "internal_error";

const API_REFUSALS: ReadonlySet<string> = new Set(["forbidden", "not_found"] satisfies ApiErrorCode[]);

const NO_STORE = { "Cache-Control": "no-store" };

export function apiError(status: number, error: ApiErrorCode, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}): Response {
  return Response.json({ error, ...extra }, { status, headers: { ...NO_STORE, ...headers } });
}

export function apiOk(body: unknown): Response {
  return Response.json(body, { headers: NO_STORE });
}

type ApiStaff = NonNullable<Awaited<ReturnType<typeof staffForApiToken>>>;

/**
 * Authenticates the bearer token (the staff member it was issued to, still
 * enabled) and runs the handler. A refusal the data layer throws as an AppError with a code this API
 * has (forbidden, not_found) keeps its code and status; anything else becomes a 500 with an id.
 */
export async function withApiStaff(request: Request, handler: (staff: ApiStaff) => Promise<Response>): Promise<Response> {
  try {
    const staff = await staffForApiToken(request.headers.get("authorization"));
    if (!staff) return apiError(401, "unauthorized", {}, { "WWW-Authenticate": 'Bearer realm="paystatus"' });
    return await handler(staff);
  } catch (error) {
    if (error instanceof AppError && API_REFUSALS.has(error.code)) return apiError(httpStatusOf(error.code), error.code as ApiErrorCode);
    return apiError(500, "internal_error", { error_id: logUnexpected("api_request_failed", error) });
  }
}
