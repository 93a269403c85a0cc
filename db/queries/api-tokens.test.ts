import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { apiTokens } from "../schema";
import { databaseKind, setupTestDatabase } from "../testing/test-db";
import { hashApiToken, issueApiToken, staffForApiToken } from "./api-tokens";
import { createStaff, setStaffDisabled } from "./staff-accounts";

const { handle } = setupTestDatabase();

async function member(role: "agent" | "admin" = "agent") {
  const email = `tok-${randomBytes(4).toString("hex")}@paystatus.test`;
  const { id } = await createStaff("cli", { email, role, queues: ["refunds"], password: null });
  return { id, email };
}

describe(`API tokens on ${databaseKind()}`, () => {
  it("issues a token shown once, stores only its SHA-256, and authenticates it as that staff member", async () => {
    const { id, email } = await member();
    const { token, tokenId } = await issueApiToken(email);
    expect(token).toMatch(/^pst_[A-Za-z0-9_-]{43}$/);
    const [row] = await handle().db.select().from(apiTokens).where(eq(apiTokens.id, tokenId));
    expect(row!.tokenHash).toBe(hashApiToken(token));
    expect(JSON.stringify(row)).not.toContain(token);

    const who = await staffForApiToken(`Bearer ${token}`);
    expect(who).toMatchObject({ id, role: "agent", queues: ["refunds"], tokenId });
    const [used] = await handle().db.select({ lastUsedAt: apiTokens.lastUsedAt }).from(apiTokens).where(eq(apiTokens.id, tokenId));
    expect(used!.lastUsedAt).toBeInstanceOf(Date);
  });

  it.each([null, "", "Bearer", "Basic dXNlcjpwYXNz", "Bearer pst_short", "Bearer pst_" + "x".repeat(43), "bearer; drop table staff"])("refuses %j", async (header) => {
    expect(await staffForApiToken(header)).toBeNull();
  });

  it("stops working when revoked or when the staff member is disabled", async () => {
    const a = await member();
    const first = await issueApiToken(a.email);
    const second = await issueApiToken(a.email);
    await handle().db.update(apiTokens).set({ revokedAt: new Date() }).where(eq(apiTokens.id, first.tokenId));
    expect(await staffForApiToken(`Bearer ${first.token}`)).toBeNull();
    expect(await staffForApiToken(`Bearer ${second.token}`)).not.toBeNull();
    await setStaffDisabled("cli", a.id, true);
    expect(await staffForApiToken(`Bearer ${second.token}`)).toBeNull();
  });

  it("refuses to issue for unknown or disabled staff, leaving no token behind", async () => {
    const before = (await handle().db.select().from(apiTokens)).length;
    await expect(issueApiToken("nobody@paystatus.test")).rejects.toMatchObject({ code: "not_found" });
    const b = await member();
    await setStaffDisabled("cli", b.id, true);
    await expect(issueApiToken(b.email)).rejects.toMatchObject({ code: "refused", reason: "staff_disabled" });
    expect((await handle().db.select().from(apiTokens)).length).toBe(before);
  });
});
