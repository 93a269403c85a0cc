import { closeDb } from "@/db/client";
import { runWorkerOnce, startWorker } from "./worker-loop";
import { env } from "@/lib/env";
import { CliError, runCli } from "./cli";

/**
 * npm run worker [-- --interval SECONDS] [--once]: the background jobs
 * (notification relay, ticket escalation, housekeeping) as a process of its
 * own. Run one per instance or a few in total: the jobs share work through
 * the database, never do it twice. SIGTERM/SIGINT finish the pass in
 * progress and exit.
 */
runCli(async () => {
  const args = process.argv.slice(2);
  const config = env();
  if (args.includes("--once")) {
    const run = await runWorkerOnce(new Date(), { timeZone: config.TZ });
    console.log(JSON.stringify(run));
    return;
  }
  const intervalSeconds = intervalFrom(args);
  const worker = startWorker({ intervalMs: intervalSeconds * 1000, timeZone: config.TZ });
  await new Promise<void>((resolve) => {
    for (const signal of ["SIGTERM", "SIGINT"] as const) process.once(signal, () => resolve());
  });
  await worker.stop();
  await closeDb();
});

function intervalFrom(args: string[]): number {
  const i = args.indexOf("--interval");
  if (i === -1) return 15;
  const value = Number(args[i + 1]);
  if (!Number.isInteger(value) || value < 1 || value > 3600) throw new CliError("--interval must be a whole number of seconds from 1 to 3600");
  return value;
}
