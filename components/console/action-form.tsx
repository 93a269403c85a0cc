"use client";

import { useActionState, type ReactNode } from "react";
import type { StaffActionResult } from "@/app/staff/action-client";
import { fill } from "@/lib/i18n";

export type ActionTexts = { done: string; errors: Record<Exclude<StaffActionResult, { ok: true }>["code"], string> };

type Props = {
  action: (state: StaffActionResult | undefined, formData: FormData) => Promise<StaffActionResult | undefined>;
  texts: ActionTexts;
  /** Shown after success; omit for actions that navigate away. */
  showDone?: boolean;
  className?: string;
  children: ReactNode;
};

/** A staff form posting to a staff server action, with its outcome announced next to it. Works without JavaScript. */
export function ActionForm({ action, texts, showDone = true, className = "", children }: Props) {
  const [state, formAction, pending] = useActionState(action, undefined);
  return (
    <form action={formAction} className={className} aria-busy={pending || undefined}>
      {children}
      {state && !state.ok && (
        <p role="alert" data-error={state.code} className="mt-2 font-semibold text-bad">
          {fill(texts.errors[state.code], { id: state.errorId ?? "" })}
        </p>
      )}
      {state?.ok && showDone && (
        <p role="status" data-result={state.done} className="mt-2 text-ok">
          {texts.done}
        </p>
      )}
    </form>
  );
}
