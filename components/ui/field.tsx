import type { InputHTMLAttributes } from "react";

type FieldProps = InputHTMLAttributes<HTMLInputElement> & {
  name: string;
  label: string;
  hint?: string;
  error?: string;
};

/** A labelled input with its hint and error wired through aria-describedby (GOV.UK pattern). */
export function Field({ name, label, hint, error, className = "", ...input }: FieldProps) {
  const id = input.id ?? `field-${name}`;
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  return (
    <div className={`mb-6 ${error ? "border-l-4 border-bad pl-4" : ""}`}>
      <label htmlFor={id} className="mb-1 block text-lg font-semibold">
        {label}
      </label>
      {hint && (
        <p id={hintId} className="mb-2 text-base text-gray-700">
          {hint}
        </p>
      )}
      {error && (
        <p id={errorId} className="mb-2 font-semibold text-bad">
          {error}
        </p>
      )}
      <input
        {...input}
        id={id}
        name={name}
        aria-describedby={[hintId, errorId].filter(Boolean).join(" ") || undefined}
        aria-invalid={error ? true : undefined}
        className={`block min-h-12 w-full rounded-md border-2 px-3 py-2 text-lg ${error ? "border-bad" : "border-gray-800"} ${className}`}
      />
    </div>
  );
}
