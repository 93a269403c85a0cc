import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { channels, auditEvents } from "./schema";
import { databaseKind, setupTestDatabase } from "./testing/test-db";

const { handle } = setupTestDatabase();

describe(`schema on ${databaseKind()}`, () => {
  it("ships the SPEC's channel defaults", async () => {
    const rows = await handle().db.select().from(channels).orderBy(channels.code);
    expect(rows.map((r) => [r.code, r.lagDays, r.cutoff, r.lockWindowMinutes])).toEqual([
      ["alipay", 1, "23:00", 30],
      ["cash", 1, "16:00", null],
      ["counter", 1, "16:00", 30],
      ["online_bank", 1, "17:00", 30],
      ["pos", 1, "22:00", 30],
      ["wechat", 1, "23:00", 30],
    ]);
  });

  it("refuses a malformed cut-off", async () => {
    await expect(handle().db.update(channels).set({ cutoff: "25:00" }).where(sql`code = 'cash'`)).rejects.toThrow();
  });

  it("keeps the audit log append-only", async () => {
    const { db } = handle();
    const [row] = await db.insert(auditEvents).values({ actor: "test", action: "probe", objectType: "test", outcome: "ok" }).returning();
    await expect(db.update(auditEvents).set({ outcome: "forged" }).where(sql`id = ${row!.id}`)).rejects.toThrow();
    await expect(db.delete(auditEvents).where(sql`id = ${row!.id}`)).rejects.toThrow();
    await expect(db.execute(sql`truncate audit_events`)).rejects.toThrow();
    const [again] = await db.select().from(auditEvents).where(sql`id = ${row!.id}`);
    expect(again?.outcome).toBe("ok");
  });
});
