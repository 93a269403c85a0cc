"use server";

import { z } from "zod";
import { staffAction } from "@/app/staff/action-client";
import { runImport } from "@/db/import/runs";
import { env } from "@/lib/env";
import { SETTLEMENT_FORMATS } from "@/lib/statements";

/** Upload a billing file or statement; db/import/runs.ts checks the role again, limits the size and runs the CLI's engine. */
export const runImportAction = staffAction(
  ["admin"],
  z.object({
    kind: z.enum(["receipts", "settlements"]),
    // Empty (the form's default): the file's layout is recognised, as `npm run import` does without --format.
    format: z.preprocess((v) => (v === "" ? undefined : v), z.enum(SETTLEMENT_FORMATS).optional()),
    profile: z.preprocess((v) => (v === "" ? undefined : v), z.string().regex(/^[a-z0-9-]{1,32}$/).optional()),
    file: z.instanceof(File),
  }),
  async (input, staff) => {
    const config = env();
    const bytes = new Uint8Array(await input.file.arrayBuffer());
    const request =
      input.kind === "receipts"
        ? { kind: input.kind, fileName: input.file.name, bytes }
        : { kind: input.kind, fileName: input.file.name, bytes, format: input.format, profile: input.profile };
    const result = await runImport(staff, request, { timeZone: config.TZ, receiptFormat: config.receiptFormat });
    return result.ok ? { done: "imported", redirectTo: `/staff/imports/${result.id}` } : { done: "refused", redirectTo: `/staff/imports?error=${result.code}` };
  },
);
