import { randomInt } from "node:crypto";
import { expect, type Page } from "@playwright/test";
import { DEMO_STAFF, DEMO_STAFF_PASSWORD } from "@/db/seed/demo-staff";

export const demoStaff = (role: "admin" | "supervisor" | "agent", index = 0) => DEMO_STAFF.filter((s) => s.role === role)[index]!;
export { DEMO_STAFF_PASSWORD };

/** A distinct client per browser context, as e2e/test.ts does for `page`: one test's sign-in attempts never count against another's. */
export const clientAddress = () => `198.18.${randomInt(0, 255)}.${randomInt(1, 254)}`;

export async function fillSignIn(page: Page, email: string, password: string) {
  await page.getByLabel(/工作邮箱|Work email/).fill(email);
  await page.getByLabel(/^(密码|Password)$/).fill(password);
  await page.getByRole("button", { name: /^(登录|Sign in)$/ }).click();
}

export async function signIn(page: Page, email: string, password = DEMO_STAFF_PASSWORD) {
  await page.goto("/staff/login");
  await fillSignIn(page, email, password);
  await expect(page).toHaveURL(/\/staff$/);
  await expect(page.getByTestId("signed-in-as")).toHaveText(email);
}
