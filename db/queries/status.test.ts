import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { amountMatches } from "@/lib/lookup";
import { DEMO_NOT_FOUND_RECEIPT, seedDemo } from "../seed/demo";
import { calendarOverrides } from "../schema";
import { databaseKind, setupTestDatabase } from "../testing/test-db";
import { loadCalendar } from "./calendar";
import { databaseIsUp } from "./health";
import { publicStatus, unsafeReceiptForLookup } from "./status";

const { handle } = setupTestDatabase();
const TZ = "Asia/Shanghai";

describe(`status queries on ${databaseKind()}`, () => {
  it("derives every SPEC status from the demo data", async () => {
    const now = new Date("2026-11-18T10:00:00+08:00");
    const demo = await seedDemo(handle().db, { now, timeZone: TZ });
    const seen: string[] = [];
    for (const r of demo) {
      const result = await publicStatus(r.receiptNo, { now, timeZone: TZ });
      seen.push(result?.status.code ?? "not_found");
      expect(result?.status.code ?? "not_found", r.receiptNo).toBe(r.status);
    }
    expect(new Set(seen).size).toBe(11);
  });

  it("never exposes the phone and masks the name", async () => {
    const now = new Date("2026-11-18T10:00:00+08:00");
    const [posted] = await seedDemo(handle().db, { now, timeZone: TZ });
    const result = await publicStatus(posted!.receiptNo, { now, timeZone: TZ });
    const json = JSON.stringify(result);
    expect(json).not.toMatch(/1380000/);
    expect(json).not.toContain("张三");
    expect(result?.receipt.payerMasked).toBe("张*");
  });

  it("seeding twice replaces the demo rows", async () => {
    const now = new Date("2026-11-18T10:00:00+08:00");
    await seedDemo(handle().db, { now, timeZone: TZ });
    const demo = await seedDemo(handle().db, { now, timeZone: TZ });
    const duplicate = demo.find((d) => d.status === "duplicate")!;
    expect((await publicStatus(duplicate.receiptNo, { now, timeZone: TZ }))?.status).toMatchObject({ code: "duplicate", settlementCount: 2 });
  });

  it("answers a lookup the same way for an unknown receipt and a wrong amount", async () => {
    const demo = await seedDemo(handle().db, { timeZone: TZ });
    const posted = demo[0]!;
    const known = await unsafeReceiptForLookup(posted.receiptNo);
    expect(known && amountMatches(known, 2500)).toBe(true);
    expect(known && amountMatches(known, 2400)).toBe(false);
    expect(await unsafeReceiptForLookup(DEMO_NOT_FOUND_RECEIPT)).toBeNull();
  });

  it("applies admin calendar overrides", async () => {
    await handle().db.insert(calendarOverrides).values({ day: "2026-11-24", isBusinessDay: false, note: "test closure" });
    const calendar = await loadCalendar();
    expect(calendar.isBusinessDay("2026-11-24")).toBe(false);
    expect(calendar.nextBusinessDay("2026-11-23")).toBe("2026-11-25");
  });

  it("reports the database as up", async () => {
    expect(await databaseIsUp()).toBe(true);
  });

  it.skipIf(databaseKind() !== "postgres")("answers a resident while staff transactions hold every connection of the main pool", async () => {
    const now = new Date("2026-11-18T10:00:00+08:00");
    const demo = await seedDemo(handle().db, { now, timeZone: TZ });
    const pending = demo.find((d) => d.status === "pending")!;
    let release = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const poolSize = Number(process.env.DATABASE_POOL_SIZE || 10);
    const holders = Array.from({ length: poolSize }, () => handle().db.transaction(async (tx) => {
      await tx.execute(sql`select 1`);
      await gate;
    }));
    try {
      const answer = await Promise.race([
        publicStatus(pending.receiptNo, { now, timeZone: TZ }).then((r) => r?.status.code),
        new Promise((resolve) => setTimeout(() => resolve("waited behind the main pool"), 5000)),
      ]);
      expect(answer).toBe("pending");
    } finally {
      release();
      await Promise.all(holders);
    }
  });
});

describe("demo fixture list", () => {
  it("matches what the seed loads", async () => {
    const { DEMO_RECEIPT_NUMBERS } = await import("../seed/demo-receipts");
    const { demoReceipts } = await import("../seed/demo");
    for (const r of demoReceipts()) expect(DEMO_RECEIPT_NUMBERS[r.status]).toEqual({ receiptNo: r.receiptNo, amount: r.amount });
  });
});

describe("incidents on the status page", () => {
  it("announces an open incident on the affected channel and dates only", async () => {
    const { incidents } = await import("../schema");
    const now = new Date("2026-11-18T10:00:00+08:00");
    const demo = await seedDemo(handle().db, { now, timeZone: TZ });
    const pending = demo.find((d) => d.status === "pending")!; // online_bank, paid 2026-11-18
    const posted = demo.find((d) => d.status === "posted")!;
    await handle().db.insert(incidents).values([
      { channel: "online_bank", valueFrom: "2026-11-18", valueTo: "2026-11-19", messageZh: "网银结算延迟", messageEn: "Online banking settlement delayed" },
      { channel: "pos", valueFrom: "2026-11-18", valueTo: "2026-11-19", messageZh: "POS", messageEn: "POS" },
    ]);
    expect((await publicStatus(pending.receiptNo, { now, timeZone: TZ }))?.incidents.map((i) => i.messageEn)).toEqual(["Online banking settlement delayed"]);
    expect((await publicStatus(posted.receiptNo, { now, timeZone: TZ }))?.incidents).toEqual([]);
  });
});
