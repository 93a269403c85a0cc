import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { issueApiToken } from "@/db/queries/api-tokens";
import { createStaff } from "@/db/queries/staff-accounts";
import { DEMO_RECEIPT_NUMBERS } from "@/db/seed/demo-receipts";
import { seedDemo } from "@/db/seed/demo";
import { databaseKind, setupTestDatabase } from "@/db/testing/test-db";
import { GET as openapi } from "./openapi.json/route";
import { GET as receiptStatus } from "./receipts/[no]/status/route";

const { handle } = setupTestDatabase();

async function tokenForNewStaff() {
  const email = `api-${randomBytes(4).toString("hex")}@paystatus.test`;
  await createStaff("cli", { email, role: "agent", queues: ["bank_liaison"], password: null });
  return (await issueApiToken(email)).token;
}

const call = (no: string, authorization?: string) =>
  receiptStatus(new Request(`http://localhost/api/v1/receipts/${no}/status`, { headers: authorization ? { authorization } : {} }), { params: Promise.resolve({ no }) });

describe(`GET /api/v1/receipts/{no}/status on ${databaseKind()}`, () => {
  it("answers 401 in JSON without a token or with a bad one", async () => {
    for (const header of [undefined, "Bearer pst_not-a-real-token-at-all", "Basic abc"]) {
      const response = await call(DEMO_RECEIPT_NUMBERS.posted.receiptNo, header);
      expect(response.status).toBe(401);
      expect(response.headers.get("www-authenticate")).toContain("Bearer");
      expect(await response.json()).toEqual({ error: "unauthorized" });
    }
  });

  it("returns code, expected date and amounts in fen", async () => {
    await seedDemo(handle().db, { now: new Date(), timeZone: "Asia/Shanghai" });
    const token = await tokenForNewStaff();
    const posted = await call(DEMO_RECEIPT_NUMBERS.posted.receiptNo, `Bearer ${token}`);
    expect(posted.status).toBe(200);
    expect(await posted.json()).toEqual({ receipt_no: DEMO_RECEIPT_NUMBERS.posted.receiptNo, code: "posted", expected_date: null, amounts: { due_fen: 2500, paid_fen: 2500, settled_fen: 2500 } });

    const overdue = (await (await call(DEMO_RECEIPT_NUMBERS.overdue.receiptNo, `Bearer ${token}`)).json()) as { amounts: Record<string, number> };
    expect(overdue).toMatchObject({ code: "overdue", amounts: { due_fen: 123450, paid_fen: 123450 } });
    expect((overdue as { expected_date?: string }).expected_date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(overdue.amounts).not.toHaveProperty("settled_fen");

    const body = JSON.stringify(await (await call(DEMO_RECEIPT_NUMBERS.posted.receiptNo, `Bearer ${token}`)).json());
    expect(body).not.toContain("张");
    expect(body).not.toMatch(/1380000/);
  });

  it("answers 400 for a mistyped number and 404 for an unknown one", async () => {
    const token = await tokenForNewStaff();
    const mistyped = await call("2026110000000012", `Bearer ${token}`);
    expect(mistyped.status).toBe(400);
    expect(await mistyped.json()).toEqual({ error: "invalid_receipt_no", reason: "mistyped" });
    const unknown = await call(DEMO_RECEIPT_NUMBERS.not_found.receiptNo, `Bearer ${token}`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ error: "not_found" });
  });
});

describe("GET /api/v1/openapi.json", () => {
  it("describes every endpoint with bearer auth", async () => {
    const doc = (await openapi().json()) as { openapi: string; paths: Record<string, unknown>; components: { securitySchemes: Record<string, unknown> } };
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths).sort()).toEqual(["/channels/acquirer/notify", "/channels/alipay/notify", "/channels/wechat/notify", "/receipts", "/receipts/{no}/status", "/tickets", "/tickets/{ref}"]);
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: "http", scheme: "bearer" });
  });

  it("documents each channel notification's request and every answer the route gives, with no token", async () => {
    const text = await openapi().text();
    const doc = JSON.parse(text) as { paths: Record<string, { post?: { security?: unknown[]; requestBody?: { content: Record<string, unknown> }; responses: Record<string, unknown> } }>; components: { schemas: Record<string, unknown> } };
    const answers = { wechat: ["204", "400", "401", "404", "413", "422", "500"], alipay: ["200", "400", "401", "404", "413", "422", "500"], acquirer: ["200", "400", "401", "404", "413", "422", "500"] };
    const bodies = { wechat: "application/json", alipay: "application/x-www-form-urlencoded", acquirer: "application/json" };
    for (const channel of ["wechat", "alipay", "acquirer"] as const) {
      const post = doc.paths[`/channels/${channel}/notify`]?.post;
      expect(post?.security, channel).toEqual([]);
      expect(Object.keys(post?.requestBody?.content ?? {}), channel).toEqual([bodies[channel]]);
      expect(Object.keys(post?.responses ?? {}).sort(), channel).toEqual(answers[channel]);
    }
    // Every reference resolves.
    for (const [, name] of text.matchAll(/"\$ref":"#\/components\/schemas\/(\w+)"/g)) expect(doc.components.schemas[name!], name).toBeDefined();
    expect((doc.components.schemas.WechatTransaction as { required: string[] }).required).toEqual(["out_trade_no", "transaction_id", "trade_state", "success_time", "amount"]);
  });
});
