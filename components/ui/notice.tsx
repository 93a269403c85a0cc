import type { ReactNode } from "react";

const tones = {
  info: "border-brand bg-blue-50",
  ok: "border-ok bg-green-50",
  warn: "border-warn bg-amber-50",
  bad: "border-bad bg-red-50",
} as const;

export function Notice({ tone = "info", children }: { tone?: keyof typeof tones; children: ReactNode }) {
  return <div className={`mb-6 rounded-md border-l-8 p-4 text-lg ${tones[tone]}`}>{children}</div>;
}
