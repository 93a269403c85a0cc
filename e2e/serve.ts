import { rmSync } from "node:fs";

/**
 * The browser tests' server: a fresh embedded store, then the same path as
 * `npm run demo` (build if needed, migrate, seed, serve). Never a remote database.
 */
if (process.env.DATABASE_URL) throw new Error("browser tests run on the embedded store only; unset DATABASE_URL");
rmSync(process.env.PGLITE_DIR!, { recursive: true, force: true });
await import("../scripts/demo");
