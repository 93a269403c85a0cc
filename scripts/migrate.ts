import { dbHandle } from "@/db/client";
import { migrateDatabase } from "@/db/migrate";
import { env } from "@/lib/env";
import { runCli } from "./cli";

runCli(async () => {
  const config = env();
  const handle = dbHandle();
  await migrateDatabase(handle);
  console.log(`Migrations applied (${handle.kind === "postgres" ? "PostgreSQL" : `embedded store in ${config.PGLITE_DIR}`}).`);
});
