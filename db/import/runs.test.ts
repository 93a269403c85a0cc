import { readFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { auditEvents, importRuns, settlementLines } from "../schema";
import { setupTestDatabase } from "../testing/test-db";
import { importRunById, listImportRuns, runImport } from "./runs";
import type { StaffPrincipal } from "../queries/staff";
import { createStaff } from "../queries/staff-accounts";

const { handle } = setupTestDatabase();
const TZ = "Asia/Shanghai";
const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`../../lib/statements/fixtures/${name}`, import.meta.url)));

async function member(role: StaffPrincipal["role"]): Promise<StaffPrincipal> {
  const email = `imp-${randomBytes(4).toString("hex")}@paystatus.test`;
  const { id } = await createStaff("cli", { email, role, queues: [], password: null });
  return { id, email, name: "", role, queues: [], isDemo: false, sessionVersion: 1 };
}
const lineCount = async () => (await handle().db.select({ id: settlementLines.id }).from(settlementLines)).length;

describe("browser imports", () => {
  it("run the engine, log who imported which file with its summary, and are idempotent", async () => {
    const admin = await member("admin");
    const bytes = fixture("settlements.csv");
    const first = await runImport(admin, { kind: "settlements", fileName: "settlements.csv", bytes, format: "csv" }, { timeZone: TZ });
    if (!first.ok) throw new Error(first.code);
    const run = await importRunById(admin, first.id);
    expect(run).toMatchObject({ kind: "settlements", fileName: "settlements.csv", status: "done", staffEmail: admin.email, failure: null });
    expect(run!.fileHash).toMatch(/^[0-9a-f]{64}$/);
    expect(run!.summary).toMatchObject({ kind: "settlements", alreadyImported: false });
    const inserted = (run!.summary as { inserted: number }).inserted;
    expect(inserted).toBeGreaterThan(0);
    expect(await lineCount()).toBe(inserted);

    const again = await runImport(admin, { kind: "settlements", fileName: "copy.csv", bytes, format: "csv" }, { timeZone: TZ });
    if (!again.ok) throw new Error(again.code);
    expect((await importRunById(admin, again.id))!.summary).toMatchObject({ alreadyImported: true });
    expect(await lineCount()).toBe(inserted);
    expect((await listImportRuns(admin)).rows.map((r) => r.id)).toEqual([again.id, first.id]);
    const audit = await handle().db.select({ action: auditEvents.action }).from(auditEvents).where(eq(auditEvents.objectId, String(first.id)));
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(["import.start", "import.finish"]));
  });

  it.each([
    ["a WeChat Pay merchant bill", "wechat-merchant.csv", "csv", "wechat-merchant"],
    ["an MT940 statement", "mt940.sta", "mt940", "default"],
  ])("recognises %s uploaded without a format or profile, and logs what read it", async (_name, file, format, profile) => {
    const admin = await member("admin");
    const result = await runImport(admin, { kind: "settlements", fileName: file, bytes: fixture(file) }, { timeZone: TZ });
    if (!result.ok) throw new Error(result.code);
    expect(await importRunById(admin, result.id)).toMatchObject({ status: "done", format, profile, summary: { kind: "settlements", format, profile } });
  });

  it("imports receipts through the same engine", async () => {
    const admin = await member("admin");
    const result = await runImport(admin, { kind: "receipts", fileName: "receipts.csv", bytes: fixture("receipts.csv") }, { timeZone: TZ });
    if (!result.ok) throw new Error(result.code);
    expect(await importRunById(admin, result.id)).toMatchObject({ status: "done", summary: { kind: "receipts" } });
  });

  it("records a refused file with its one-line reason and imports nothing", async () => {
    const admin = await member("admin");
    const before = await lineCount();
    const result = await runImport(admin, { kind: "settlements", fileName: "broken.xml", bytes: new TextEncoder().encode("<Document><BkToCstmrStmt>"), format: "camt053" }, { timeZone: TZ });
    if (!result.ok) throw new Error(result.code);
    const run = await importRunById(admin, result.id);
    expect(run).toMatchObject({ status: "failed", summary: null });
    expect(run!.failure).toMatch(/\S/);
    expect(run!.failure).not.toMatch(/^error /);
    expect(await lineCount()).toBe(before);
  });

  it("is for admins only, and refuses an empty or oversized file before touching anything", async () => {
    const supervisor = await member("supervisor");
    const admin = await member("admin");
    const runsBefore = (await handle().db.select({ id: importRuns.id }).from(importRuns)).length;
    expect(await runImport(supervisor, { kind: "receipts", fileName: "r.csv", bytes: fixture("receipts.csv") }, { timeZone: TZ })).toEqual({ ok: false, code: "forbidden" });
    expect(await runImport(admin, { kind: "receipts", fileName: "r.csv", bytes: new Uint8Array() }, { timeZone: TZ })).toEqual({ ok: false, code: "empty" });
    expect(await runImport(admin, { kind: "receipts", fileName: "r.csv", bytes: new Uint8Array(20 * 1024 * 1024 + 1) }, { timeZone: TZ })).toEqual({ ok: false, code: "too_large" });
    expect((await handle().db.select({ id: importRuns.id }).from(importRuns)).length).toBe(runsBefore);
    expect(await listImportRuns(supervisor)).toEqual({ rows: [], next: null });
    expect(await importRunById(supervisor, 1)).toBeNull();
  });
});
