"use client";

import { createContext, startTransition, useActionState, useContext, type ReactNode } from "react";
import { ErrorSummary } from "@/components/ui/error-summary";
import type { StaffFormAction } from "@/lib/action-state";
import { fill } from "@/lib/i18n";

export type StaffFormTexts = {
  /** A sentence per refusal code (lib/errors.ts; `t.appErrors`, or a page's own wording over it); `error` names `{id}`. */
  errors: Record<string, string>;
  /** The desk's refusals (stale version, wrong status…) by the reason the data layer gave with `refused`. */
  refusals?: Record<string, string>;
  /** Announced after success; omit for actions that navigate away. */
  done?: string;
  /** With a title, refusals show as a GOV.UK error summary above the form (linking to each field) instead of an alert beside it. */
  errorTitle?: string;
  /** One message per field name, for `invalid`. */
  fieldErrors?: Record<string, string>;
  /** Said in the summary above the fields' own messages when the input is refused; omit to let the fields speak alone. */
  invalidSummary?: string;
  /** Shown while the server works (an import can take a while). */
  pending?: string;
};

type Props = {
  action: StaffFormAction;
  texts: StaffFormTexts;
  className?: string;
  encType?: "multipart/form-data";
  noValidate?: boolean;
  /** With JavaScript, keep the typed values when the server refuses them (React resets the form otherwise). */
  keepValues?: boolean;
  /** The fields' ids are `field-PREFIX-NAME` (several forms on a page) rather than `field-NAME`. */
  idPrefix?: string;
  children: ReactNode;
};

type FieldsOfForm = { fieldId: (name: string) => string; fieldError: (name: string) => string | undefined };
const FieldsContext = createContext<FieldsOfForm>({ fieldId: (name) => `field-${name}`, fieldError: () => undefined });

/** For fields inside a StaffForm: their id, and the message when the server refused them. */
export function useStaffFormFields(): FieldsOfForm {
  return useContext(FieldsContext);
}

/**
 * Every console form: a plain form posting to a staff server action (works
 * without JavaScript), with its outcome announced — a refusal carrying
 * `data-error` with its code (or the desk's reason), success a status message
 * carrying `data-result`.
 */
export function StaffForm({ action, texts, className = "", encType, noValidate, keepValues, idPrefix, children }: Props) {
  const [state, formAction, pending] = useActionState(action, undefined);
  const failed = state && !state.ok ? state : null;
  const refusal = failed?.code === "refused" && failed.reason && texts.refusals ? failed.reason : null;
  const message = failed && (refusal ? (texts.refusals![refusal] ?? texts.errors.forbidden) : fill(texts.errors[failed.code] ?? texts.errors.error ?? "", { id: failed.errorId ?? "" }));
  const fieldMessage = (field: string) => texts.fieldErrors?.[field] ?? texts.errors.invalid ?? "";
  const fields: FieldsOfForm = {
    fieldId: (name) => `field-${idPrefix ? `${idPrefix}-` : ""}${name}`,
    fieldError: (name) => (failed?.fieldErrors?.[name] ? fieldMessage(name) : undefined),
  };
  return (
    <form
      action={formAction}
      encType={encType}
      className={className}
      aria-busy={pending || undefined}
      noValidate={noValidate}
      onSubmit={
        keepValues
          ? (event) => {
              event.preventDefault();
              const data = new FormData(event.currentTarget, event.nativeEvent.submitter);
              startTransition(() => formAction(data));
            }
          : undefined
      }
    >
      {failed && texts.errorTitle && (
        <ErrorSummary
          title={texts.errorTitle}
          code={failed.code}
          message={failed.code === "invalid" ? texts.invalidSummary : (message ?? undefined)}
          fieldErrors={Object.keys(failed.fieldErrors ?? {}).map((field) => ({ field: idPrefix ? `${idPrefix}-${field}` : field, message: fieldMessage(field) }))}
        />
      )}
      <FieldsContext value={fields}>{children}</FieldsContext>
      {failed && !texts.errorTitle && (
        <p role="alert" data-error={refusal ?? failed.code} className="mt-2 font-semibold text-bad">
          {message}
        </p>
      )}
      {pending && texts.pending && (
        <p role="status" data-pending className="mt-4 text-lg font-semibold">
          {texts.pending}
        </p>
      )}
      {state?.ok && texts.done !== undefined && (
        <p role="status" data-result={state.done} className="mt-2 font-semibold text-ok">
          {texts.done}
        </p>
      )}
    </form>
  );
}
