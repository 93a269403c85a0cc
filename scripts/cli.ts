import { ConfigError } from "@/lib/env";
import { closeDb } from "@/db/client";

/** A failure the operator can act on: printed as one line, exit code 1. */
export class CliError extends Error {}

/**
 * Runs a command: expected failures print one line and exit non-zero;
 * anything else prints its name only (driver messages can carry SQL or data).
 */
export function runCli(main: () => Promise<void> | void): void {
  Promise.resolve()
    .then(main)
    .then(() => closeDb())
    .catch(async (error: unknown) => {
      if (error instanceof CliError || error instanceof ConfigError) console.error(error.message);
      else console.error(`Failed: ${(error as Error)?.name ?? "error"}${(error as { code?: string })?.code ? ` (${(error as { code?: string }).code})` : ""}. Nothing was changed.`);
      await closeDb().catch(() => {});
      process.exitCode = 1;
    });
}
