import { z } from "zod";
import type { AppErrorCode } from "./errors";

/**
 * What a staff server action answers its form (app/staff/action-client.ts
 * makes them, components/console/staff-form.tsx shows them): success with a
 * code for the page, or a refusal by AppError code — with the fields in error
 * for `invalid`, the rule for `refused`, the log line's id for `error`.
 */
export type StaffActionResult =
  | { ok: true; done: string }
  | { ok: false; code: AppErrorCode; fieldErrors?: Record<string, string[]>; errorId?: string; reason?: string };

/** A staff server action as a form receives it (useActionState's signature). */
export type StaffFormAction = (state: StaffActionResult | undefined, formData: FormData) => Promise<StaffActionResult | undefined>;

/** A database id as a form sends it (a hidden input): a positive whole number JavaScript holds exactly. */
export const ZId = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);
