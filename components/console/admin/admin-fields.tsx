"use client";

import { useStaffFormFields } from "@/components/console/staff-form";
import { Field } from "@/components/ui/field";

export type AdminField =
  | { kind: "text"; name: string; label: string; hint?: string; defaultValue?: string; inputMode?: "numeric" | "decimal"; width?: string }
  | { kind: "radio"; name: string; label: string; options: { value: string; label: string }[]; defaultValue?: string };

type Props = { fields: AdminField[]; hidden?: Record<string, string>; submit: string };

/** The inside of an admin settings form: its fields, each carrying its message when the server refused it (aria-describedby), and the button. */
export function AdminFields({ fields, hidden = {}, submit }: Props) {
  const { fieldId, fieldError: errorOf } = useStaffFormFields();
  const inputs = fields.map((f) => {
    const error = errorOf(f.name);
    if (f.kind === "text") {
      return <Field key={f.name} id={fieldId(f.name)} name={f.name} label={f.label} hint={f.hint} error={error} defaultValue={f.defaultValue} inputMode={f.inputMode} className={f.width} />;
    }
    return (
      <fieldset key={f.name} id={fieldId(f.name)} className={`mb-6 ${error ? "border-l-4 border-bad pl-4" : ""}`} aria-describedby={error ? `${fieldId(f.name)}-error` : undefined}>
        <legend className="mb-1 text-lg font-semibold">{f.label}</legend>
        {error && (
          <p id={`${fieldId(f.name)}-error`} className="mb-2 font-semibold text-bad">
            {error}
          </p>
        )}
        {f.options.map((o) => (
          <label key={o.value} className="flex min-h-11 items-center gap-3 text-lg">
            <input type="radio" name={f.name} value={o.value} defaultChecked={f.defaultValue === o.value} className="h-6 w-6" />
            {o.label}
          </label>
        ))}
      </fieldset>
    );
  });
  return (
    <>
      {Object.entries(hidden).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      {inputs}
      <button type="submit" className="min-h-11 rounded-md border-2 border-gray-800 bg-white px-4 py-2 font-semibold">
        {submit}
      </button>
    </>
  );
}
