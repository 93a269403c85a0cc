import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { STAFF_SESSION_ABSOLUTE_MS, STAFF_SESSION_IDLE_MS } from "@/lib/auth/session";
import { databaseKind, setupTestDatabase } from "../testing/test-db";
import { createStaff, endAllSessions } from "./staff-accounts";
import { staffForSession } from "./staff-auth";
import { setStaffPassword } from "./staff-password";
import { createStaffSession, revokeStaffSession, touchStaffSession } from "./staff-sessions";

setupTestDatabase();
const t0 = new Date("2026-11-18T01:00:00Z");
const at = (ms: number) => new Date(t0.getTime() + ms);
const minute = 60_000;

async function member() {
  const email = `sess-${randomBytes(4).toString("hex")}@paystatus.test`;
  const { id } = await createStaff("cli", { email, role: "agent", queues: ["bank_liaison"], password: "a long enough password" });
  return { id, email };
}

describe(`staff sessions on ${databaseKind()}`, () => {
  it("sign-out ends the session for every copy of its cookie; others of the account go on", async () => {
    const { id } = await member();
    const laptop = await createStaffSession(id, t0);
    const phone = await createStaffSession(id, t0);
    await revokeStaffSession(laptop, at(minute));
    expect(await touchStaffSession(laptop, id, at(2 * minute))).toBe("revoked");
    expect(await touchStaffSession(phone, id, at(2 * minute))).toBe("active");
    // Another account's id with this session: unknown.
    expect(await touchStaffSession(phone, id + 1, at(2 * minute))).toBe("unknown");
  });

  it("ends 8 hours after sign-in however often it is used, and after 30 idle minutes", async () => {
    const { id } = await member();
    const busy = await createStaffSession(id, t0);
    for (let ms = 0; ms < STAFF_SESSION_ABSOLUTE_MS; ms += 20 * minute) expect(await touchStaffSession(busy, id, at(ms))).toBe("active");
    expect(await touchStaffSession(busy, id, at(STAFF_SESSION_ABSOLUTE_MS))).toBe("expired");

    const idle = await createStaffSession(id, t0);
    expect(await touchStaffSession(idle, id, at(STAFF_SESSION_IDLE_MS - minute))).toBe("active");
    expect(await touchStaffSession(idle, id, at(2 * STAFF_SESSION_IDLE_MS - 2 * minute))).toBe("active");
    expect(await touchStaffSession(idle, id, at(3 * STAFF_SESSION_IDLE_MS))).toBe("idle");
  });

  it("sign out everywhere and a password change end every session of the account", async () => {
    const { id, email } = await member();
    const first = await createStaffSession(id);
    expect(await staffForSession(id, 1)).not.toBeNull();
    await endAllSessions((await staffForSession(id, 1))!);
    expect(await touchStaffSession(first, id)).toBe("revoked");
    expect(await staffForSession(id, 1)).toBeNull();

    const second = await createStaffSession(id);
    expect(await setStaffPassword("cli", email, "another long password")).toBe(true);
    expect(await touchStaffSession(second, id)).toBe("revoked");
    expect(await staffForSession(id, 2)).toBeNull();
    expect(await staffForSession(id, 3)).not.toBeNull();
    expect(await setStaffPassword("cli", "nobody@paystatus.test", "another long password")).toBe(false);
  });
});
