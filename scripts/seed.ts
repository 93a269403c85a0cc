import { dbHandle } from "@/db/client";
import { migrateDatabase } from "@/db/migrate";
import { seedDemo } from "@/db/seed/demo";
import { env } from "@/lib/env";
import { runCli } from "./cli";

runCli(async () => {
  const config = env();
  const handle = dbHandle();
  await migrateDatabase(handle);
  const demo = await seedDemo(handle.db, { timeZone: config.TZ });
  console.log(`Demo data loaded: ${demo.length} receipts.`);
});
