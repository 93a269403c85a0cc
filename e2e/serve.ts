import { rmSync } from "node:fs";
import { dbHandle } from "../db/client";
import { migrateDatabase } from "../db/migrate";
import { createStaff } from "../db/queries/staff-accounts";
import { DEMO_STAFF_PASSWORD } from "../db/seed/demo-staff";
import { ADMIN_SUBJECT } from "./staff-accounts";

/**
 * The browser tests' server: a fresh embedded store, then the same path as
 * `npm run demo` (build if needed, migrate, seed, serve). Never a remote database.
 * Before the demo seed, the tests' own account (e2e/staff-accounts.ts), as `npm run staff -- add` would make it.
 */
if (process.env.DATABASE_URL) throw new Error("browser tests run on the embedded store only; unset DATABASE_URL");
rmSync(process.env.PGLITE_DIR!, { recursive: true, force: true });
// The demo opens the same process-wide handle, migrates (nothing left to do) and closes it before serving.
await migrateDatabase(dbHandle());
await createStaff("cli", { email: ADMIN_SUBJECT.email, role: ADMIN_SUBJECT.role, queues: [...ADMIN_SUBJECT.queues], password: DEMO_STAFF_PASSWORD, name: "E2E admin subject" });
await import("../scripts/demo");
