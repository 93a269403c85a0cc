"use client";

import { useActionState } from "react";
import type { StaffActionResult } from "@/app/staff/action-client";
import { ErrorSummary } from "@/components/ui/error-summary";
import { Field } from "@/components/ui/field";
import { fill } from "@/lib/i18n";

export type AdminField =
  | { kind: "text"; name: string; label: string; hint?: string; defaultValue?: string; inputMode?: "numeric" | "decimal"; width?: string }
  | { kind: "radio"; name: string; label: string; options: { value: string; label: string }[]; defaultValue?: string };

export type AdminFormTexts = {
  saved: string;
  errorTitle: string;
  errors: Record<Exclude<StaffActionResult, { ok: true }>["code"], string>;
  /** One clear sentence per field, shown in the summary and at the field. */
  fieldErrors: Record<string, string>;
};

type Props = {
  action: (state: StaffActionResult | undefined, formData: FormData) => Promise<StaffActionResult>;
  /** Makes ids unique when a page has several forms (one per channel, per fee…). */
  idPrefix: string;
  fields: AdminField[];
  hidden?: Record<string, string>;
  submit: string;
  texts: AdminFormTexts;
  className?: string;
};

/**
 * An admin settings form posting to a staff server action, without
 * JavaScript too: the error summary links to each field in error, each field
 * carries its message (aria-describedby), and success is announced.
 */
export function AdminForm({ action, idPrefix, fields, hidden = {}, submit, texts, className = "" }: Props) {
  const [state, formAction, pending] = useActionState(action, undefined);
  const failed = state && !state.ok ? state : null;
  const errorOf = (name: string) => (failed?.fieldErrors?.[name] ? (texts.fieldErrors[name] ?? texts.errors.invalid) : undefined);
  const fieldId = (name: string) => `field-${idPrefix}-${name}`;
  const summaryFields = fields.filter((f) => errorOf(f.name)).map((f) => ({ field: `${idPrefix}-${f.name}`, message: errorOf(f.name)! }));

  return (
    <form action={formAction} className={className} aria-busy={pending || undefined} noValidate>
      {failed && (
        <ErrorSummary title={texts.errorTitle} code={failed.code} message={fill(texts.errors[failed.code], { id: failed.errorId ?? "" })} fieldErrors={summaryFields} />
      )}
      {Object.entries(hidden).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      {fields.map((f) => {
        const error = errorOf(f.name);
        if (f.kind === "text") {
          return <Field key={f.name} id={fieldId(f.name)} name={f.name} label={f.label} hint={f.hint} error={error} defaultValue={f.defaultValue} inputMode={f.inputMode} className={f.width} />;
        }
        return (
          <fieldset key={f.name} id={fieldId(f.name)} className={`mb-6 ${error ? "border-l-4 border-bad pl-4" : ""}`} aria-describedby={error ? `${fieldId(f.name)}-error` : undefined}>
            <legend className="mb-1 text-lg font-semibold">{f.label}</legend>
            {error && (
              <p id={`${fieldId(f.name)}-error`} className="mb-2 font-semibold text-bad">
                {error}
              </p>
            )}
            {f.options.map((o) => (
              <label key={o.value} className="flex min-h-11 items-center gap-3 text-lg">
                <input type="radio" name={f.name} value={o.value} defaultChecked={f.defaultValue === o.value} className="h-6 w-6" />
                {o.label}
              </label>
            ))}
          </fieldset>
        );
      })}
      <button type="submit" className="min-h-11 rounded-md border-2 border-gray-800 bg-white px-4 py-2 font-semibold">
        {submit}
      </button>
      {state?.ok && (
        <p role="status" data-result={state.done} className="mt-2 font-semibold text-ok">
          {texts.saved}
        </p>
      )}
    </form>
  );
}
