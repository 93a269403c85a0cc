"use client";

import { startTransition, useActionState, type ReactNode } from "react";
import type { StaffActionResult } from "@/app/staff/action-client";
import { ErrorSummary } from "@/components/ui/error-summary";
import { fill } from "@/lib/i18n";

export type CheckedFormTexts = {
  errorTitle: string;
  errors: Record<string, string>;
  /** One message per field name, used when the server refuses the input (`invalid`). */
  fieldErrors: Record<string, string>;
  /** Shown while the server works (an import can take a while). */
  pending?: string;
};

type Props = {
  action: (state: StaffActionResult | undefined, formData: FormData) => Promise<StaffActionResult | undefined>;
  texts: CheckedFormTexts;
  className?: string;
  encType?: "multipart/form-data";
  children: ReactNode;
};

/**
 * A back-office form posting to a staff server action; its outcome on
 * success is a redirect. Refused input shows a GOV.UK error summary linking to
 * each field (fields are `Field`s, id `field-NAME`). With JavaScript, the
 * typed values survive a refusal (React would reset the form otherwise);
 * without it, the form posts as a plain form.
 */
export function CheckedForm({ action, texts, className = "", encType, children }: Props) {
  const [state, formAction, pending] = useActionState(action, undefined);
  const fieldErrors = state && !state.ok ? Object.keys(state.fieldErrors ?? {}).map((field) => ({ field, message: texts.fieldErrors[field] ?? texts.errors.invalid! })) : [];
  return (
    <form
      action={formAction}
      encType={encType}
      className={className}
      aria-busy={pending || undefined}
      onSubmit={(event) => {
        event.preventDefault();
        const data = new FormData(event.currentTarget, (event.nativeEvent).submitter);
        startTransition(() => formAction(data));
      }}
    >
      {state && !state.ok && (
        <ErrorSummary
          title={texts.errorTitle}
          code={state.code}
          message={state.code === "invalid" ? undefined : fill(texts.errors[state.code] ?? texts.errors.error!, { id: state.errorId ?? "" })}
          fieldErrors={fieldErrors}
        />
      )}
      {children}
      {pending && texts.pending && (
        <p role="status" data-pending className="mt-4 text-lg font-semibold">
          {texts.pending}
        </p>
      )}
    </form>
  );
}
