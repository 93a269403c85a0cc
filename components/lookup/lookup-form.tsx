"use client";

import { useActionState } from "react";
import type { LookupState } from "@/lib/action-state";
import { Button } from "@/components/ui/button";
import { ErrorSummary } from "@/components/ui/error-summary";
import { Field } from "@/components/ui/field";
import { fill } from "@/lib/i18n/fill";

export type LookupTexts = {
  receiptLabel: string;
  receiptHint: string;
  amountLabel: string;
  amountHint: string;
  submit: string;
  summaryTitle: string;
  codes: Record<"no_match" | "mistyped" | "rate_limited" | "invalid" | "error", string>;
  fields: Record<"receiptRequired" | "receiptInvalid" | "amountRequired" | "amountInvalid", string>;
  stillNotFound: string;
  stillNotFoundBody: string;
  reportMissing: string;
  help: string;
};

type Props = {
  action: (state: LookupState, formData: FormData) => Promise<LookupState>;
  texts: LookupTexts;
  initialReceipt?: string;
};

/** Plain form posting to a server action: works before (and without) JavaScript. */
export function LookupForm({ action, texts, initialReceipt = "" }: Props) {
  const [state, formAction, pending] = useActionState(action, { values: { receipt: initialReceipt, amount: "" } });
  const receiptError = state.code === "mistyped" ? texts.codes.mistyped : state.fieldErrors?.receipt && texts.fields[state.fieldErrors.receipt];
  const amountError = state.fieldErrors?.amount && texts.fields[state.fieldErrors.amount];
  const summaryMessage = state.code && state.code !== "invalid" ? fill(texts.codes[state.code], { minutes: state.retryAfterMinutes ?? 1, id: state.errorId ?? "" }) : undefined;
  const fieldErrors = [
    receiptError && state.code !== "mistyped" ? { field: "receipt", message: receiptError } : null,
    amountError ? { field: "amount", message: amountError } : null,
  ].filter((e): e is { field: string; message: string } => e !== null);

  return (
    <form action={formAction} noValidate>
      {state.code && (
        <ErrorSummary title={texts.summaryTitle} code={state.code} message={summaryMessage} fieldErrors={fieldErrors}>
          {state.code === "no_match" && state.receiptNo ? (
            // One block for an unknown receipt and a wrong amount alike (SPEC §3.2): same words, same link.
            <div data-still-not-found className="mt-3 border-t border-gray-300 pt-3">
              <h3 className="mb-1 text-lg font-bold">{texts.stillNotFound}</h3>
              <p className="mb-2">{texts.stillNotFoundBody}</p>
              <p className="flex flex-wrap gap-x-6 gap-y-2">
                <a href={`/r/${state.receiptNo}/missing`} className="inline-flex min-h-11 items-center font-semibold text-brand underline">
                  {texts.reportMissing}
                </a>
                <a href="/help" data-help-link className="inline-flex min-h-11 items-center text-brand underline">
                  {texts.help}
                </a>
              </p>
            </div>
          ) : (
            <a href="/help" data-help-link className="mt-2 inline-flex min-h-11 items-center text-brand underline">
              {texts.help}
            </a>
          )}
        </ErrorSummary>
      )}
      <Field
        name="receipt"
        label={texts.receiptLabel}
        hint={texts.receiptHint}
        error={receiptError || undefined}
        defaultValue={state.values.receipt}
        autoComplete="off"
        inputMode="numeric"
        spellCheck={false}
        maxLength={64}
        required
      />
      <Field
        name="amount"
        label={texts.amountLabel}
        hint={texts.amountHint}
        error={amountError || undefined}
        defaultValue={state.values.amount}
        autoComplete="off"
        inputMode="decimal"
        maxLength={20}
        required
      />
      <Button type="submit" disabled={pending}>
        {texts.submit}
      </Button>
    </form>
  );
}
