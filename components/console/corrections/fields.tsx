import type { ReactNode, SelectHTMLAttributes, TextareaHTMLAttributes } from "react";

/** A labelled textarea, wired like components/ui/field (id `field-NAME`, hint through aria-describedby). */
export function TextArea({ name, label, hint, ...rest }: TextareaHTMLAttributes<HTMLTextAreaElement> & { name: string; label: string; hint?: string }) {
  const id = `field-${name}`;
  return (
    <Labelled id={id} label={label}>
      {hint && (
        <p id={`${id}-hint`} className="mb-2 text-base text-gray-700">
          {hint}
        </p>
      )}
      <textarea {...rest} id={id} name={name} aria-describedby={hint ? `${id}-hint` : undefined} rows={3} className="block w-full rounded-md border-2 border-gray-800 px-3 py-2 text-lg" />
    </Labelled>
  );
}

/** A labelled select, wired like components/ui/field. */
export function Select({
  name,
  label,
  options,
  ...rest
}: SelectHTMLAttributes<HTMLSelectElement> & { name: string; label: string; options: { value: string; label: string }[] }) {
  const id = `field-${name}`;
  return (
    <Labelled id={id} label={label}>
      <select {...rest} id={id} name={name} className="block min-h-12 w-full rounded-md border-2 border-gray-800 bg-white px-3 py-2 text-lg">
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </Labelled>
  );
}

function Labelled({ id, label, children }: { id: string; label: string; children: ReactNode }) {
  return (
    <div className="mb-6">
      <label htmlFor={id} className="mb-1 block text-lg font-semibold">
        {label}
      </label>
      {children}
    </div>
  );
}
