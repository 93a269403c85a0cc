"use client";

import { useState, useSyncExternalStore } from "react";

const noSubscription = () => () => {};

/**
 * The reference as selectable text, plus a copy button once JavaScript runs (progressive enhancement:
 * without it, or without clipboard access, the text alone is there to select).
 */
export function CopyRef({ value, label, copied }: { value: string; label: string; copied: string }) {
  // False on the server and in the first render; true in the browser once hydrated, when it has a clipboard.
  const canCopy = useSyncExternalStore(noSubscription, () => !!navigator.clipboard, () => false);
  const [done, setDone] = useState(false);
  return (
    <span className="inline-flex flex-wrap items-center gap-3">
      <span className="select-all font-mono text-2xl font-bold" data-ticket-ref>
        {value}
      </span>
      {canCopy && (
        <button
          type="button"
          data-copy-ref
          onClick={() => navigator.clipboard.writeText(value).then(() => setDone(true), () => setDone(false))}
          className="min-h-11 rounded-md border-2 border-brand px-4 py-2 text-lg font-semibold text-brand"
        >
          {label}
        </button>
      )}
      <span role="status" className="text-lg text-ok">
        {done ? copied : ""}
      </span>
    </span>
  );
}
