import { dbHandle } from "@/db/client";
import { migrateDatabase } from "@/db/migrate";
import { seedDemo } from "@/db/seed/demo";
import { seedDemoStaff } from "@/db/seed/demo-staff";
import { env } from "@/lib/env";
import { runCli } from "./cli";

/** The operations suite's database: migrations, the demo receipts and the demo staff accounts (e2e/ops). */
runCli(async () => {
  const config = env();
  const handle = dbHandle();
  await migrateDatabase(handle);
  await seedDemo(handle.db, { timeZone: config.TZ });
  await seedDemoStaff(handle.db);
  console.log("ops database ready");
});
