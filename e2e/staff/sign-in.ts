import { randomInt } from "node:crypto";
import { expect, type Page } from "@playwright/test";
import { totpCode } from "@/lib/auth/totp";
import { DEMO_STAFF, DEMO_STAFF_PASSWORD, DEMO_TOTP_SECRETS } from "@/db/seed/demo-staff";

export const demoStaff = (role: "admin" | "supervisor" | "agent", index = 0) => DEMO_STAFF.filter((s) => s.role === role)[index]!;
export { DEMO_STAFF_PASSWORD, DEMO_TOTP_SECRETS };

/** A distinct client per browser context, as e2e/test.ts does for `page`: one test's sign-in attempts never count against another's. */
export const clientAddress = () => `198.18.${randomInt(0, 255)}.${randomInt(1, 254)}`;

export const codeField = (page: Page) => page.getByLabel(/^(验证码或恢复码|Code or recovery code)/);

/** The second step: a code (or recovery code) into the code page. */
export async function fillSecondFactor(page: Page, code: string) {
  await codeField(page).fill(code);
  await page.getByRole("button", { name: /^(确认|Continue)$/ }).click();
}

/**
 * Email and password; for a demo account with a published TOTP secret (supervisor, admin), the code
 * step too, with the code computed from that secret — once the page shows it (a wrong password or
 * a throttled client shows an error instead).
 */
export async function fillSignIn(page: Page, email: string, password: string) {
  await page.getByLabel(/工作邮箱|Work email/).fill(email);
  await page.getByLabel(/^(密码|Password)$/).fill(password);
  await page.getByRole("button", { name: /^(登录|Sign in)$/ }).click();
  const secret = DEMO_TOTP_SECRETS[email];
  if (!secret || password !== DEMO_STAFF_PASSWORD) return;
  await expect(codeField(page).or(page.locator("[data-error]")).first()).toBeVisible();
  if (await codeField(page).isVisible()) await fillSecondFactor(page, totpCode(secret));
}

export async function signIn(page: Page, email: string, password = DEMO_STAFF_PASSWORD) {
  await page.goto("/staff/login");
  await fillSignIn(page, email, password);
  await expect(page).toHaveURL(/\/staff$/);
  await expect(page.getByTestId("signed-in-as")).toHaveText(email);
}
