"use client";

import { useActionState } from "react";
import type { SecondFactorState } from "@/lib/action-state";
import { Button } from "@/components/ui/button";
import { ErrorSummary } from "@/components/ui/error-summary";
import { Field } from "@/components/ui/field";
import { fill } from "@/lib/i18n";
import type { Messages } from "@/lib/i18n";

export type TwoFactorTexts = Messages["staff"]["twoFactor"] & { summaryTitle: string };
type Action = (state: SecondFactorState | undefined, formData: FormData) => Promise<SecondFactorState>;

function Refusal({ state, texts }: { state: SecondFactorState; texts: TwoFactorTexts }) {
  if (!state.code) return null;
  const message = fill(texts.errors[state.code], { id: state.errorId ?? "", minutes: state.retryAfterMinutes ?? 1 });
  return <ErrorSummary title={texts.summaryTitle} code={state.code} message={message} />;
}

/** The code step of sign-in: one field for a TOTP code or a recovery code, a plain form (works without JavaScript). */
export function SecondFactorForm({ action, callbackUrl, texts }: { action: Action; callbackUrl: string; texts: TwoFactorTexts }) {
  const [state, formAction, pending] = useActionState(action, {});
  return (
    <form action={formAction} noValidate>
      <Refusal state={state} texts={texts} />
      <input type="hidden" name="callbackUrl" value={callbackUrl} />
      <Field name="code" label={texts.codeLabel} hint={texts.codeHint} autoComplete="one-time-code" spellCheck={false} autoCapitalize="characters" maxLength={40} required />
      <Button type="submit" disabled={pending}>
        {texts.submit}
      </Button>
    </form>
  );
}

export type TwoFactorMode =
  /** Not yet enrolled: QR code, the secret as text, and a code to confirm. */
  | { kind: "enrol"; qrDataUrl: string; secret: string }
  /** Enrolled and signed in: recovery codes left, and a new set on a current code. */
  | { kind: "enrolled"; codesLeft: number }
  /** Enrolled during sign-in (no session yet): go on to the console. */
  | { kind: "continue" };

/**
 * The enrolment page's one form (one action, one place in the tree, so that without JavaScript the
 * recovery codes the action returns are shown once whichever way the page renders afterwards).
 */
export function TwoFactorPanel({ action, mode, callbackUrl, texts }: { action: Action; mode: TwoFactorMode; callbackUrl: string; texts: TwoFactorTexts }) {
  const [state, formAction, pending] = useActionState(action, {});
  const codes = state.recoveryCodes;
  const intent = codes ? (mode.kind === "enrolled" ? null : "continue") : mode.kind === "enrol" ? "enrol" : mode.kind === "enrolled" ? "regenerate" : "continue";
  return (
    <div data-two-factor={mode.kind}>
      {codes && (
        <section aria-labelledby="recovery-codes-title" data-recovery-codes className="mb-8 rounded-md border-4 border-brand p-4">
          <h2 id="recovery-codes-title" className="mb-2 text-2xl font-bold">
            {texts.codesTitle}
          </h2>
          <p className="mb-4">{texts.codesIntro}</p>
          <ol className="grid list-decimal gap-1 pl-8 font-mono text-lg sm:grid-cols-2">
            {codes.map((code) => (
              <li key={code} data-recovery-code>
                {code}
              </li>
            ))}
          </ol>
        </section>
      )}
      {intent === null ? (
        <a href={callbackUrl} className="font-semibold text-brand underline">
          {texts.back}
        </a>
      ) : (
        <form action={formAction} noValidate>
          <Refusal state={state} texts={texts} />
          <input type="hidden" name="intent" value={intent} />
          <input type="hidden" name="callbackUrl" value={callbackUrl} />
          {intent === "enrol" && mode.kind === "enrol" && (
            <>
              <p className="mb-3 text-lg">{texts.scan}</p>
              {/* eslint-disable-next-line @next/next/no-img-element -- a data: URL made on the server */}
              <img src={mode.qrDataUrl} alt={texts.qrAlt} width={240} height={240} className="mb-4 border-2 border-gray-300" />
              <p className="mb-1">{texts.secretLabel}</p>
              <p className="mb-6 font-mono text-lg break-all" data-totp-secret>
                {mode.secret}
              </p>
              <p className="mb-3 text-lg">{texts.confirmStep}</p>
              <Field name="code" label={texts.confirmLabel} inputMode="numeric" autoComplete="one-time-code" maxLength={10} required />
              <Button type="submit" disabled={pending}>
                {texts.confirm}
              </Button>
            </>
          )}
          {intent === "regenerate" && mode.kind === "enrolled" && (
            <>
              <p className="mb-3 text-lg">{texts.enrolled}</p>
              <p className="mb-6" data-codes-left={mode.codesLeft}>
                {fill(texts.codesLeft, { n: mode.codesLeft })}
              </p>
              <p className="mb-3">{texts.regenerateIntro}</p>
              <Field name="code" label={texts.confirmLabel} inputMode="numeric" autoComplete="one-time-code" maxLength={10} required />
              <Button type="submit" disabled={pending}>
                {texts.regenerate}
              </Button>
            </>
          )}
          {intent === "continue" && (
            <Button type="submit" disabled={pending}>
              {texts.continue}
            </Button>
          )}
        </form>
      )}
    </div>
  );
}
