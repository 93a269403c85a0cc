"use client";

import { useEffect, useRef, type ReactNode } from "react";

type ErrorSummaryProps = {
  title: string;
  /** Machine-readable code (SPEC §3.2): no_match, mistyped, rate_limited, invalid. */
  code: string;
  message?: string;
  fieldErrors?: { field: string; message: string }[];
  /** The way forward under the message (issue 18: every error links to help). */
  children?: ReactNode;
};

/** GOV.UK-style error summary: focused on render, linking to each field in error. */
export function ErrorSummary({ title, code, message, fieldErrors = [], children }: ErrorSummaryProps) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => ref.current?.focus(), [code, message]);
  return (
    <div ref={ref} tabIndex={-1} role="alert" aria-labelledby="error-summary-title" data-error={code} className="mb-6 rounded-md border-4 border-bad p-4">
      <h2 id="error-summary-title" className="mb-2 text-xl font-bold">
        {title}
      </h2>
      {message && <p className="mb-2">{message}</p>}
      {fieldErrors.length > 0 && (
        <ul className="list-none">
          {fieldErrors.map((e) => (
            <li key={e.field}>
              <a href={`#field-${e.field}`} className="font-semibold text-bad underline">
                {e.message}
              </a>
            </li>
          ))}
        </ul>
      )}
      {children}
    </div>
  );
}
