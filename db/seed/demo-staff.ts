import { eq, sql } from "drizzle-orm";
import { hashPassword } from "@/lib/auth/password";
import type { StaffRole } from "@/lib/auth/roles";
import type { Db } from "../client";
import { auditEvents, staff } from "../schema";

/**
 * Demo staff accounts for `npm run demo`: marked is_demo (the console says
 * "DEMO ACCOUNT" on every page), on the reserved .invalid domain, all with one
 * published password. Re-running refreshes them (enabled, unlocked, the demo
 * password, their role) and touches no other account.
 */

export const DEMO_STAFF_PASSWORD = "paystatus-demo-2026";

export const DEMO_STAFF: { email: string; name: string; role: StaffRole; queues: string[] }[] = [
  { email: "demo-admin@paystatus.invalid", name: "Demo Admin", role: "admin", queues: [] },
  { email: "demo-supervisor@paystatus.invalid", name: "Demo Supervisor", role: "supervisor", queues: [] },
  { email: "demo-agent@paystatus.invalid", name: "Demo Agent", role: "agent", queues: ["bank_liaison", "data_entry"] },
  { email: "demo-clerk@paystatus.invalid", name: "Demo Clerk", role: "agent", queues: ["refunds", "finance"] },
];

export async function seedDemoStaff(db: Db): Promise<typeof DEMO_STAFF> {
  const passwordHash = await hashPassword(DEMO_STAFF_PASSWORD);
  await db.transaction(async (tx) => {
    for (const member of DEMO_STAFF) {
      const refreshed = { name: member.name, role: member.role, queues: member.queues, passwordHash, disabledAt: null, failedLogins: 0, lockedUntil: null, isDemo: true, updatedAt: new Date() };
      const [existing] = await tx.select({ id: staff.id, isDemo: staff.isDemo }).from(staff).where(eq(staff.email, member.email)).limit(1);
      // A real account that happens to use a demo address is never overwritten.
      if (existing && !existing.isDemo) continue;
      const [row] = existing
        ? await tx.update(staff).set({ ...refreshed, sessionVersion: sql`${staff.sessionVersion} + 1` }).where(eq(staff.id, existing.id)).returning({ id: staff.id })
        : await tx.insert(staff).values({ email: member.email, ...refreshed }).returning({ id: staff.id });
      await tx.insert(auditEvents).values({ actor: "demo", action: existing ? "staff.demo_refresh" : "staff.create", objectType: "staff", objectId: String(row!.id), outcome: "ok", detail: { role: member.role, demo: true } });
    }
  });
  return DEMO_STAFF;
}
