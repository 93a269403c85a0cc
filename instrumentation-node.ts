import { ConfigError, env } from "./lib/env";
import { logUnexpected } from "./lib/log";

try {
  env();
  // Without scripts/http-server.mjs nothing overwrites the socket-address header: every client could
  // choose its own address and escape every per-client limit.
  if (process.env.NODE_ENV === "production" && process.env.PAYSTATUS_HTTP_SERVER !== "1") {
    throw new ConfigError("Configuration error: start the production server with npm start (scripts/http-server.mjs), not next start: client addresses would be the client's to choose");
  }
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}

// `npm run demo` on the embedded store: PGlite admits one process, so the
// background jobs run inside the server (production runs `npm run worker`).
const inProcess = globalThis as { paystatusWorkerStarted?: boolean };
if (process.env.PAYSTATUS_INPROCESS_WORKER === "1" && !inProcess.paystatusWorkerStarted) {
  inProcess.paystatusWorkerStarted = true;
  void import("./scripts/worker-loop")
    .then(({ startWorker }) => {
      startWorker({ intervalMs: 15_000 });
    })
    .catch((error: unknown) => {
      logUnexpected("worker_start_failed", error);
    });
}
