import "server-only";
import type { StaffFormTexts } from "@/components/console/staff-form";
import { ErrorSummary } from "@/components/ui/error-summary";
import { Notice } from "@/components/ui/notice";
import { AppError, type AppErrorCode } from "@/lib/errors";
import { fill, type Messages } from "@/lib/i18n";

/** What console pages read from the URL and how they say no: the same checks and the same markup on every page. */

export type SearchParams = Record<string, string | string[] | undefined>;

/** A database id from a path segment or a query parameter (`cursor`), or undefined when it is not one. */
export function idParam(value: string | string[] | undefined): number | undefined {
  return typeof value === "string" && /^\d{1,15}$/.test(value) ? Number(value) : undefined;
}

export type BackOfficeError = keyof Messages["backOffice"]["errors"];

/** The refusal a back-office action redirected back with (`?error=CODE`, so it works without JavaScript), when it names one. */
export function redirectedError(query: SearchParams, t: Messages): BackOfficeError | null {
  return typeof query.error === "string" && query.error in t.backOffice.errors ? (query.error as BackOfficeError) : null;
}

/** The summary of that refusal, above the page's forms. */
export function RedirectedError({ code, t }: { code: BackOfficeError | null; t: Messages }) {
  const b = t.backOffice;
  return code && <ErrorSummary title={b.errorTitle} code={code} message={fill(b.errors[code], { id: "" })} />;
}

/** The back office's form texts: its refusals by code and a sentence per field. */
export function backOfficeFormTexts(t: Messages): StaffFormTexts {
  return { errorTitle: t.backOffice.errorTitle, errors: t.backOffice.errors, fieldErrors: t.backOffice.fieldErrors };
}

/**
 * A read the data layer may refuse: it checks the role itself and throws an AppError (`forbidden`), so the
 * page need not know who may see it. Its value, or that refusal's code; anything unexpected goes on to the
 * error page.
 */
export async function readOrRefusal<T>(read: Promise<T>): Promise<{ ok: true; value: T } | { ok: false; code: AppErrorCode }> {
  try {
    return { ok: true, value: await read };
  } catch (error) {
    if (error instanceof AppError) return { ok: false, code: error.code };
    throw error;
  }
}

/** A page that cannot show what was asked (forbidden, not found…): its heading and why, `data-error` naming the code. */
export function PageRefusal({ title, code, message, tone = "bad" }: { title: string; code?: string; message: string; tone?: "bad" | "info" }) {
  return (
    <>
      <h1 className="mb-6 text-3xl font-bold">{title}</h1>
      <Notice tone={tone}>
        <span data-error={code}>{message}</span>
      </Notice>
    </>
  );
}

/** What a redirected action did (`?done=CODE`), announced. */
export function DoneNotice({ code, message }: { code: string; message: string }) {
  return (
    <Notice tone="ok">
      <span data-result={code}>{message}</span>
    </Notice>
  );
}
