"use client";

import { useActionState } from "react";
import type { SubscribeState } from "@/lib/action-state";
import { Button } from "@/components/ui/button";
import { ErrorSummary } from "@/components/ui/error-summary";
import { Field } from "@/components/ui/field";
import { fill } from "@/lib/i18n/fill";

export type SubscribeTexts = {
  title: string;
  intro: string;
  label: string;
  hint: string;
  submit: string;
  summaryTitle: string;
  errors: Record<NonNullable<SubscribeState["code"]>, string>;
};

type Props = {
  action: (state: SubscribeState, formData: FormData) => Promise<SubscribeState>;
  texts: SubscribeTexts;
  receiptNo: string;
  token?: string;
};

/** "Tell me when it posts": one field, a plain form posting to a server action (works without JavaScript). */
export function SubscribeForm({ action, texts, receiptNo, token }: Props) {
  const [state, formAction, pending] = useActionState(action, { value: "" });
  const message = state.code ? fill(texts.errors[state.code], { minutes: state.retryAfterMinutes ?? 1, id: state.errorId ?? "" }) : undefined;
  const fieldError = state.code === "required" || state.code === "invalid" ? message : undefined;
  return (
    <section aria-labelledby="subscribe-title" data-subscribe className="mb-6 rounded-md border-2 border-gray-300 p-4 [overflow-wrap:anywhere]">
      <h2 id="subscribe-title" className="mb-2 text-xl font-bold">
        {texts.title}
      </h2>
      <p className="mb-4">{texts.intro}</p>
      <form action={formAction} noValidate>
        {state.code && (
          <ErrorSummary title={texts.summaryTitle} code={state.code} message={fieldError ? undefined : message} fieldErrors={fieldError ? [{ field: "notify_contact", message: fieldError }] : []} />
        )}
        <input type="hidden" name="receipt" value={receiptNo} />
        {token && <input type="hidden" name="t" value={token} />}
        <Field name="notify_contact" label={texts.label} hint={texts.hint} error={fieldError} defaultValue={state.value} autoComplete="email" maxLength={254} required />
        <Button type="submit" disabled={pending}>
          {texts.submit}
        </Button>
      </form>
    </section>
  );
}
