import type { InputHTMLAttributes, ReactNode, TextareaHTMLAttributes } from "react";

type Described = { id: string; "aria-describedby"?: string; "aria-invalid"?: true };

type ShellProps = {
  id: string;
  label: string;
  hint?: string;
  error?: string;
  /** The control itself, given the id and aria attributes that tie it to its label, hint and error. */
  children: (control: Described) => ReactNode;
};

/** The id and aria attributes that tie control `id` to its hint (`ID-hint`) and error (`ID-error`) when it has them. */
export function describedControl(id: string, { hint, error }: { hint?: boolean; error?: boolean }): Described {
  const describedBy = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(" ") || undefined;
  return { id, "aria-describedby": describedBy, "aria-invalid": error ? true : undefined };
}

/** Label, hint and error around any control, wired through aria-describedby (GOV.UK pattern). */
export function FieldShell({ id, label, hint, error, children }: ShellProps) {
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
      {children(describedControl(id, { hint: !!hint, error: !!error }))}
    </div>
  );
}

type Labelled = { name: string; label: string; hint?: string; error?: string };

/** A labelled text input. */
export function Field({ name, label, hint, error, className = "", ...input }: InputHTMLAttributes<HTMLInputElement> & Labelled) {
  return (
    <FieldShell id={input.id ?? `field-${name}`} label={label} hint={hint} error={error}>
      {(control) => (
        <input
          {...input}
          {...control}
          name={name}
          className={`block min-h-12 w-full rounded-md border-2 px-3 py-2 text-lg ${error ? "border-bad" : "border-gray-800"} ${className}`}
        />
      )}
    </FieldShell>
  );
}

/** A labelled multi-line text box. */
export function TextAreaField({ name, label, hint, error, className = "", ...textarea }: TextareaHTMLAttributes<HTMLTextAreaElement> & Labelled) {
  return (
    <FieldShell id={textarea.id ?? `field-${name}`} label={label} hint={hint} error={error}>
      {(control) => (
        <textarea
          {...textarea}
          {...control}
          name={name}
          className={`block w-full rounded-md border-2 px-3 py-2 text-lg ${error ? "border-bad" : "border-gray-800"} ${className}`}
        />
      )}
    </FieldShell>
  );
}

/** A labelled file picker. */
export function FileField({ name, label, hint, error, className = "", ...input }: InputHTMLAttributes<HTMLInputElement> & Labelled) {
  return (
    <FieldShell id={input.id ?? `field-${name}`} label={label} hint={hint} error={error}>
      {(control) => <input {...input} {...control} type="file" name={name} className={`block w-full text-lg ${className}`} />}
    </FieldShell>
  );
}
