import { closeDb, dbHandle } from "@/db/client";
import { migrateDatabase } from "@/db/migrate";
import { seedDemo } from "@/db/seed/demo";
import { DEMO_STAFF_PASSWORD, DEMO_TOTP_SECRETS, demoTotpUri, seedDemoStaff } from "@/db/seed/demo-staff";
import { seedDemoTickets } from "@/db/seed/demo-tickets";
import { env } from "@/lib/env";
import { receiptLink } from "@/lib/receipt-link";
import { runCli } from "./cli";
import { loadDemoSecrets, rememberDemoBaseUrl } from "./demo-secrets";
import { buildIsStale, buildNext, startNext } from "./next-server";

/**
 * npm run demo: build if needed, migrate, load demo data, serve on PORT.
 * Uses the embedded store unless DATABASE_URL is set. Secrets, when not
 * given, are generated once into .data/demo-secrets.json (demo only).
 */
runCli(async () => {
  Object.assign(process.env, { NODE_ENV: "production" });
  // Demo cookies must work on plain http://localhost.
  process.env.PAYSTATUS_INSECURE_COOKIES ??= "1";
  loadDemoSecrets();
  // Notification links are built from it (required in production); the demo serves itself.
  process.env.PUBLIC_BASE_URL ||= `http://localhost:${process.env.PORT || 3000}`;
  const config = env();

  if (buildIsStale()) {
    console.log("Building the portal (first run, or sources changed)…");
    buildNext();
  }

  const handle = dbHandle();
  await migrateDatabase(handle);
  const demo = await seedDemo(handle.db, { timeZone: config.TZ });
  const demoStaff = await seedDemoStaff(handle.db);
  // After the staff: some demo tickets are claimed by demo accounts.
  const demoTickets = await seedDemoTickets(handle.db, { timeZone: config.TZ });
  // The embedded store allows one process: release it before the server opens it.
  await closeDb();

  const base = config.PUBLIC_BASE_URL!;
  rememberDemoBaseUrl(base);
  console.log(`\npaystatus demo on ${base} (${handle.kind === "postgres" ? "PostgreSQL" : "embedded store"})\n`);
  console.log("Receipts to try (receipt number / amount, or open the QR link):");
  for (const r of demo) {
    console.log(`  ${r.status.padEnd(16)} ${r.receiptNo}  ${r.amount.padStart(8)}  ${receiptLink(base, config.RECEIPT_LINK_SECRET, r.receiptNo)}`);
  }
  console.log(`\nDemo staff accounts (password "${DEMO_STAFF_PASSWORD}"), sign in at ${base}/staff/login:`);
  for (const s of demoStaff) {
    const secret = DEMO_TOTP_SECRETS[s.email];
    console.log(`  ${s.role.padEnd(10)} ${s.email}${secret ? `  TOTP secret ${secret}` : ""}`);
    if (secret) console.log(`  ${"".padEnd(10)} ${demoTotpUri(s.email)}`);
  }
  console.log("Supervisor and admin sign-ins ask for the 6-digit code from an authenticator app holding that secret (published: demo only).");
  if (demoTickets > 0) console.log(`\n${demoTickets} demo tickets opened across every queue (some claimed, some past due, two with proofs).`);
  console.log("");
  startNext(config.PORT, { PAYSTATUS_DEMO: "1", PAYSTATUS_INPROCESS_WORKER: "1" });
});
