import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";
import type { ParseEvent } from "./types";

/** Test helpers: fixture bytes, and a parse run gathered into records, rejections and skips. */

export function fixture(name: string): Buffer {
  return readFileSync(fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url)));
}

export type Collected<T> = { records: (T & { line: number })[]; rejected: { line: number; reason: string }[]; skipped: { line: number; reason: string }[] };

export async function collect<T>(batches: AsyncIterable<ParseEvent<T>[]>): Promise<Collected<T>> {
  const out: Collected<T> = { records: [], rejected: [], skipped: [] };
  for await (const batch of batches) for (const e of batch) {
    if (e.kind === "record") out.records.push({ ...e.record, line: e.line });
    else if (e.kind === "rejected") out.rejected.push({ line: e.line, reason: e.reason });
    else out.skipped.push({ line: e.line, reason: e.reason });
  }
  return out;
}

/** The error message a parse run ends with, or null if it completes. */
export async function refusal(events: () => AsyncIterable<unknown>): Promise<string | null> {
  try {
    for await (const event of events()) void event;
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

/** `expect.stringContaining`, typed as the string it stands for. */
export const containing = (text: string): string => expect.stringContaining(text) as string;
