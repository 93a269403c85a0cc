import { eq, sql } from "drizzle-orm";
import { hashPassword } from "@/lib/auth/password";
import type { StaffRole } from "@/lib/auth/roles";
import { sealTotpSecret, totpUri } from "@/lib/auth/totp";
import { env } from "@/lib/env";
import type { Db } from "../client";
import { auditEvents, staff, staffRecoveryCodes } from "../schema";

/**
 * Demo staff accounts for `npm run demo`: marked is_demo (the console says
 * "DEMO ACCOUNT" on every page), on the reserved .invalid domain, all with one
 * published password. Re-running refreshes them (enabled, unlocked, the demo
 * password, their role) and touches no other account.
 *
 * The demo supervisor and admin must use a second factor like real ones do:
 * they are enrolled with the fixed, published TOTP secrets below (print them
 * into any authenticator app, or `npm run demo` shows the otpauth:// links).
 * Because everyone trying the demo shares them, a demo account's code may be
 * used more than once (lib/auth/totp.ts). The other demo accounts start each
 * run without a second factor (the browser tests enrol demo-trainee).
 */

export const DEMO_STAFF_PASSWORD = "paystatus-demo-2026";

export const DEMO_STAFF: { email: string; name: string; role: StaffRole; queues: string[] }[] = [
  { email: "demo-admin@paystatus.invalid", name: "Demo Admin", role: "admin", queues: [] },
  { email: "demo-supervisor@paystatus.invalid", name: "Demo Supervisor", role: "supervisor", queues: [] },
  { email: "demo-agent@paystatus.invalid", name: "Demo Agent", role: "agent", queues: ["bank_liaison", "data_entry"] },
  { email: "demo-clerk@paystatus.invalid", name: "Demo Clerk", role: "agent", queues: ["refunds", "finance"] },
  { email: "demo-trainee@paystatus.invalid", name: "Demo Trainee", role: "agent", queues: [] },
];

/** Published TOTP secrets (base32) of the demo accounts that must use a second factor. */
export const DEMO_TOTP_SECRETS: Readonly<Record<string, string>> = {
  "demo-admin@paystatus.invalid": "PAYSTATUSDEMOADMIN234567",
  "demo-supervisor@paystatus.invalid": "PAYSTATUSDEMOSUPERVISOR7",
};

export const demoTotpUri = (email: string) => (DEMO_TOTP_SECRETS[email] ? totpUri(email, DEMO_TOTP_SECRETS[email]) : null);

export async function seedDemoStaff(db: Db): Promise<typeof DEMO_STAFF> {
  const passwordHash = await hashPassword(DEMO_STAFF_PASSWORD);
  const now = new Date();
  await db.transaction(async (tx) => {
    for (const member of DEMO_STAFF) {
      const secret = DEMO_TOTP_SECRETS[member.email];
      const totp = { totpSecret: secret ? sealTotpSecret(secret, env().AUTH_SECRET) : null, totpEnabledAt: secret ? now : null, totpLastStep: null };
      const refreshed = { name: member.name, role: member.role, queues: member.queues, passwordHash, disabledAt: null, failedLogins: 0, lockedUntil: null, isDemo: true, updatedAt: now, ...totp };
      const [existing] = await tx.select({ id: staff.id, isDemo: staff.isDemo }).from(staff).where(eq(staff.email, member.email)).limit(1);
      // A real account that happens to use a demo address is never overwritten.
      if (existing && !existing.isDemo) continue;
      const [row] = existing
        ? await tx.update(staff).set({ ...refreshed, sessionVersion: sql`${staff.sessionVersion} + 1` }).where(eq(staff.id, existing.id)).returning({ id: staff.id })
        : await tx.insert(staff).values({ email: member.email, ...refreshed }).returning({ id: staff.id });
      await tx.delete(staffRecoveryCodes).where(eq(staffRecoveryCodes.staffId, row!.id));
      await tx.insert(auditEvents).values({ actor: "demo", action: existing ? "staff.demo_refresh" : "staff.create", objectType: "staff", objectId: String(row!.id), outcome: "ok", detail: { role: member.role, demo: true } });
    }
  });
  return DEMO_STAFF;
}
