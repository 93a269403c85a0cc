"use client";

import { useActionState } from "react";
import type { TicketFormState } from "@/lib/action-state";
import { Button } from "@/components/ui/button";
import { ErrorSummary } from "@/components/ui/error-summary";
import { Field, FileField, TextAreaField } from "@/components/ui/field";
import { fill } from "@/lib/i18n/fill";

export type TicketTexts = {
  categoryLegend: string;
  categories: [string, string][];
  descriptionLabel: string;
  descriptionHint: string;
  contactLabel: string;
  contactHint: string;
  proofLabel: string;
  proofLabelRequired: string;
  proofHint: string;
  /** "{n} file(s) kept" after a form error (issue 18). */
  keptProofs: string;
  submit: string;
  submitWithProof: string;
  summaryTitle: string;
  help: string;
  /** Field error codes and outcome codes → text (templates may hold {minutes}, {ref}, {time}, {id}). */
  messages: Record<string, string>;
};

type Props = {
  action: (state: TicketFormState, formData: FormData) => Promise<TicketFormState>;
  texts: TicketTexts;
  receiptNo: string;
  token?: string;
  idempotencyKey: string;
  retryTime?: string;
  initialCategory?: string;
  /** Proof is needed for this receipt's status (no record of the payment): the label and button say so. */
  proofRequired?: boolean;
  /** The form reports one kind of problem only (the missing-record form): no category choice. */
  fixedCategory?: string;
  /** Overrides the description's hint (the missing-record form asks for amount and date). */
  descriptionHint?: string;
};

/** A plain multipart form posting to a server action: works, uploads included, without JavaScript. */
export function TicketForm({ action, texts, receiptNo, token, idempotencyKey, retryTime = "", initialCategory = "", proofRequired = false, fixedCategory, descriptionHint }: Props) {
  const [state, formAction, pending] = useActionState(action, { values: { category: initialCategory, description: "", contact: "" } });
  const m = texts.messages;
  const fieldError = (field: "category" | "description" | "contact" | "proof") => {
    const code = state.fieldErrors?.[field];
    return code ? (m[code] ?? m.invalid) : undefined;
  };
  const fieldErrors = (["category", "description", "contact", "proof"] as const)
    .map((field) => ({ field, message: fieldError(field) }))
    .filter((e): e is { field: "category" | "description" | "contact" | "proof"; message: string } => !!e.message);
  const outcome = state.code && state.code !== "invalid" && state.code !== "needs_proof" ? fill(m[state.code] ?? m.error!, { minutes: state.retryAfterMinutes ?? 1, ref: state.ref ?? "", time: retryTime, id: state.errorId ?? "" }) : undefined;
  const dataError = state.code === "answer_posted" || state.code === "answer_awaiting_bank" || state.code === "existing" ? undefined : state.code;

  return (
    <form action={formAction} noValidate>
      {dataError && (
        <ErrorSummary title={texts.summaryTitle} code={dataError} message={outcome} fieldErrors={fieldErrors}>
          <a href="/help" data-help-link className="mt-2 inline-flex min-h-11 items-center text-brand underline">
            {texts.help}
          </a>
        </ErrorSummary>
      )}
      {!dataError && outcome && (
        <div role="status" data-outcome={state.code} className="mb-6 rounded-md border-l-8 border-brand bg-blue-50 p-4 text-lg">
          {outcome}
        </div>
      )}
      <input type="hidden" name="receipt" value={receiptNo} />
      {token && <input type="hidden" name="t" value={token} />}
      <input type="hidden" name="idempotency_key" value={state.formKey ?? idempotencyKey} />

      {fixedCategory ? (
        <input type="hidden" name="category" value={fixedCategory} />
      ) : (
      <fieldset className={`mb-6 ${fieldError("category") ? "border-l-4 border-bad pl-4" : ""}`} aria-describedby={fieldError("category") ? "field-category-error" : undefined}>
        <legend className="mb-2 text-lg font-semibold">{texts.categoryLegend}</legend>
        {fieldError("category") && (
          <p id="field-category-error" className="mb-2 font-semibold text-bad">
            {fieldError("category")}
          </p>
        )}
        {texts.categories.map(([value, label], i) => (
          <label key={value} className="mb-2 flex min-h-11 items-center gap-3 text-lg">
            <input id={i === 0 ? "field-category" : undefined} type="radio" name="category" value={value} defaultChecked={state.values.category === value} className="h-6 w-6" />
            {label}
          </label>
        ))}
      </fieldset>
      )}

      <TextAreaField
        name="description"
        label={texts.descriptionLabel}
        hint={descriptionHint ?? texts.descriptionHint}
        error={fieldError("description")}
        rows={5}
        maxLength={2000}
        defaultValue={state.values.description}
      />

      <Field name="contact" label={texts.contactLabel} hint={texts.contactHint} error={fieldError("contact")} defaultValue={state.values.contact} autoComplete="tel" maxLength={100} />

      {!!state.keptProofs && (
        <p role="status" data-kept-proofs={state.keptProofs} className="mb-2 rounded-md border-l-8 border-ok bg-green-50 p-3 text-lg">
          {fill(texts.keptProofs, { n: state.keptProofs })}
        </p>
      )}
      <FileField
        name="proof"
        label={proofRequired ? texts.proofLabelRequired : texts.proofLabel}
        hint={texts.proofHint}
        error={fieldError("proof")}
        multiple
        accept="image/jpeg,image/png,application/pdf"
      />

      <Button type="submit" disabled={pending}>
        {proofRequired ? texts.submitWithProof : texts.submit}
      </Button>
    </form>
  );
}
