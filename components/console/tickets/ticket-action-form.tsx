"use client";

import { useActionState, type ReactNode } from "react";
import type { StaffActionResult } from "@/app/staff/action-client";
import { fill } from "@/lib/i18n";

export type TicketActionTexts = {
  done: string;
  /** The wrapper's codes (session ended, forbidden, invalid input, unexpected error with its id). */
  errors: Record<Exclude<StaffActionResult, { ok: true }>["code"], string>;
  /** The desk's refusals (stale version, wrong status…), by the reason the data layer gave. */
  refusals: Record<string, string>;
};

type Props = {
  action: (state: StaffActionResult | undefined, formData: FormData) => Promise<StaffActionResult | undefined>;
  texts: TicketActionTexts;
  className?: string;
  children: ReactNode;
};

/**
 * A ticket desk form: a plain form posting to a staff server action (works
 * without JavaScript), with the outcome next to it — a refusal as an alert
 * carrying `data-error` with its code, success as a status message.
 */
export function TicketActionForm({ action, texts, className = "", children }: Props) {
  const [state, formAction, pending] = useActionState(action, undefined);
  const refusal = state && !state.ok && state.code === "refused" ? (state.reason ?? "") : null;
  return (
    <form action={formAction} className={className} aria-busy={pending || undefined}>
      {children}
      {state && !state.ok && !refusal && (
        <p role="alert" data-error={state.code} className="mt-2 font-semibold text-bad">
          {fill(texts.errors[state.code], { id: state.errorId ?? "" })}
        </p>
      )}
      {refusal && (
        <p role="alert" data-error={refusal} className="mt-2 font-semibold text-bad">
          {texts.refusals[refusal] ?? texts.errors.forbidden}
        </p>
      )}
      {state?.ok && (
        <p role="status" data-result="done" className="mt-2 text-ok">
          {texts.done}
        </p>
      )}
    </form>
  );
}
