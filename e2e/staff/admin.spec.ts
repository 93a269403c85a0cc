import { expect, test, type Page } from "@playwright/test";
import { ADMIN_SUBJECT } from "../staff-accounts";
import { clientAddress, demoStaff, signIn } from "./sign-in";

/**
 * The admin acts on an account of the tests' own (e2e/staff-accounts.ts), never a demo account another spec
 * signs in as at the same time. Both tests change it, one after the other. Real sign-ins: the sessions ending is the point.
 */
test.describe.configure({ mode: "serial" });

async function setDisabled(admin: Page, email: string, disabled: boolean) {
  await admin.goto("/staff/admin/staff");
  const row = admin.locator(`[data-staff-row="${email}"]`);
  await row.getByRole("button", { name: disabled ? /停用账号/ : /启用账号/ }).click();
  await expect(row.locator("[data-staff-status]")).toHaveAttribute("data-staff-status", disabled ? "disabled" : "active");
}

test("an admin disables a user, whose open session stops working at its next click", async ({ browser }) => {
  const clerk = ADMIN_SUBJECT;
  const clerkContext = await browser.newContext({ extraHTTPHeaders: { "x-forwarded-for": clientAddress() } });
  const adminContext = await browser.newContext({ extraHTTPHeaders: { "x-forwarded-for": clientAddress() } });
  const clerkPage = await clerkContext.newPage();
  const adminPage = await adminContext.newPage();
  try {
    await signIn(clerkPage, clerk.email);
    await signIn(adminPage, demoStaff("admin").email);

    await setDisabled(adminPage, clerk.email, true);

    // The clerk still has the console open; the next click ends it.
    await clerkPage.getByRole("link", { name: "工作台首页" }).click();
    await expect(clerkPage).toHaveURL(/\/staff\/login/);
    await clerkPage.goto("/staff");
    await expect(clerkPage).toHaveURL(/\/staff\/login/);
  } finally {
    // Leave the demo account usable for the next run.
    await setDisabled(adminPage, clerk.email, false);
    await clerkContext.close();
    await adminContext.close();
  }
  const again = await browser.newPage({ extraHTTPHeaders: { "x-forwarded-for": clientAddress() } });
  await signIn(again, clerk.email);
  await again.close();
});

test("an admin changes a role, which ends that user's open session", async ({ browser }) => {
  const clerk = ADMIN_SUBJECT;
  const clerkContext = await browser.newContext({ extraHTTPHeaders: { "x-forwarded-for": clientAddress() } });
  const adminContext = await browser.newContext({ extraHTTPHeaders: { "x-forwarded-for": clientAddress() } });
  const clerkPage = await clerkContext.newPage();
  const adminPage = await adminContext.newPage();
  try {
    await signIn(clerkPage, clerk.email);
    await signIn(adminPage, demoStaff("admin").email);
    await adminPage.goto("/staff/admin/staff");
    const row = adminPage.locator(`[data-staff-row="${clerk.email}"]`);
    await row.getByLabel("新角色").selectOption("supervisor");
    await row.getByRole("button", { name: /修改角色/ }).click();
    await expect(row.locator("[data-result]")).toBeVisible();
    await clerkPage.reload();
    await expect(clerkPage).toHaveURL(/\/staff\/login/);
  } finally {
    await adminPage.goto("/staff/admin/staff");
    const row = adminPage.locator(`[data-staff-row="${clerk.email}"]`);
    await row.getByLabel("新角色").selectOption("agent");
    await row.getByRole("button", { name: /修改角色/ }).click();
    await expect(row.locator("[data-result]")).toBeVisible();
    await clerkContext.close();
    await adminContext.close();
  }
});

test("the integration API needs a bearer token and is described", async ({ request }) => {
  const denied = await request.get("/api/v1/receipts/2026110000000011/status");
  expect(denied.status()).toBe(401);
  expect(await denied.json()).toEqual({ error: "unauthorized" });
  const doc = await request.get("/api/v1/openapi.json");
  expect(doc.status()).toBe(200);
  expect(Object.keys(((await doc.json()) as { paths: object }).paths)).toContain("/receipts/{no}/status");
});
