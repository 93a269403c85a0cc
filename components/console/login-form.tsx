"use client";

import { useActionState } from "react";
import type { SignInState } from "@/lib/action-state";
import { Button } from "@/components/ui/button";
import { ErrorSummary } from "@/components/ui/error-summary";
import { Field } from "@/components/ui/field";
import { fill } from "@/lib/i18n";

export type LoginTexts = {
  emailLabel: string;
  passwordLabel: string;
  submit: string;
  summaryTitle: string;
  errors: Record<"invalid_credentials" | "invalid" | "rate_limited" | "sso_failed" | "error", string>;
};

type Props = {
  action: (state: SignInState | undefined, formData: FormData) => Promise<SignInState>;
  texts: LoginTexts;
  callbackUrl: string;
  /** An error handed back by Auth.js in the query string (single sign-on refused). */
  initialError?: "sso_failed";
};

/** Email + password, a plain form posting to a server action: works without JavaScript. */
export function LoginForm({ action, texts, callbackUrl, initialError }: Props) {
  const [state, formAction, pending] = useActionState(action, { email: "" });
  const code = state.code ?? initialError;
  const message = code ? fill(texts.errors[code], { id: state.errorId ?? "", minutes: state.retryAfterMinutes ?? 1 }) : undefined;
  const fieldErrors = state.code === "invalid" ? [{ field: "email", message: texts.errors.invalid }] : [];
  return (
    <form action={formAction} noValidate>
      {code && <ErrorSummary title={texts.summaryTitle} code={code} message={code === "invalid" ? undefined : message} fieldErrors={fieldErrors} />}
      <input type="hidden" name="callbackUrl" value={callbackUrl} />
      <Field name="email" type="email" label={texts.emailLabel} defaultValue={state.email} autoComplete="username" spellCheck={false} maxLength={254} required />
      <Field name="password" type="password" label={texts.passwordLabel} autoComplete="current-password" maxLength={200} required />
      <Button type="submit" disabled={pending}>
        {texts.submit}
      </Button>
    </form>
  );
}
