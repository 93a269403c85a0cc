import { expect, test } from "../test";
import { clientAddress, demoStaff, DEMO_STAFF_PASSWORD, fillSignIn, signIn } from "./sign-in";

test.describe("staff sign-in", () => {
  test("the demo agent signs in and sees the console with role, queues and the demo marker", async ({ page }) => {
    const agent = demoStaff("agent");
    await signIn(page, agent.email);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("工作台");
    await expect(page.locator("[data-staff-role]")).toHaveAttribute("data-staff-role", "agent");
    // Queues by their staff names (issue 18), the codes only in the attribute.
    await expect(page.locator("[data-staff-queues]")).toHaveAttribute("data-staff-queues", agent.queues.join(","));
    await expect(page.locator("[data-staff-queues]")).toHaveText("银行对接、补录");
    await expect(page.getByTestId("demo-account")).toBeVisible();
    // Agents get no admin link, and the admin page refuses them.
    await expect(page.getByRole("link", { name: "管理工作人员账号" })).toHaveCount(0);
    await page.goto("/staff/admin/staff");
    await expect(page.locator('[data-error="forbidden"]')).toBeVisible();
    await expect(page.locator("[data-staff-row]")).toHaveCount(0);
  });

  test("a wrong password and an unknown email get the same generic error", async ({ page }) => {
    await page.goto("/staff/login");
    await fillSignIn(page, demoStaff("supervisor").email, "not-the-password-at-all");
    const summary = page.locator("[data-error]");
    await expect(summary).toHaveAttribute("data-error", "invalid_credentials");
    const wrongPassword = await summary.textContent();
    // Failures slow the client down, they never lock the account: the message says so, with no lock time.
    expect(wrongPassword).toContain("账号不会被锁定");
    expect(wrongPassword).not.toMatch(/已.*锁定|解锁|15 分钟/);
    await expect(page).toHaveURL(/\/staff\/login/);

    await fillSignIn(page, "nobody@paystatus.invalid", "not-the-password-at-all");
    await expect(summary).toHaveAttribute("data-error", "invalid_credentials");
    expect(await summary.textContent()).toBe(wrongPassword);
    // The email is kept, the password is not.
    await expect(page.getByLabel("工作邮箱")).toHaveValue("nobody@paystatus.invalid");
    await expect(page.getByLabel("密码")).toHaveValue("");
  });

  test("anonymous visitors to /staff land on the sign-in page, and come back after signing in", async ({ page }) => {
    await page.goto("/staff/admin/staff");
    await expect(page).toHaveURL(/\/staff\/login\?callbackUrl=%2Fstaff%2Fadmin%2Fstaff$/);
    await fillSignIn(page, demoStaff("admin").email, DEMO_STAFF_PASSWORD);
    await expect(page).toHaveURL(/\/staff\/admin\/staff$/);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("工作人员账号");

    const response = await page.context().request.get("/staff", { maxRedirects: 0 });
    expect(response.status()).toBe(200);
  });

  test("/staff without a session redirects to the sign-in page", async ({ page }) => {
    await page.goto("/staff");
    await expect(page).toHaveURL(/\/staff\/login/);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("工作人员登录");
  });

  for (const evil of ["https://evil.example", "//evil.example/staff", "/\\evil.example"]) {
    test(`callbackUrl ${evil} is ignored`, async ({ page }) => {
      await page.goto(`/staff/login?callbackUrl=${encodeURIComponent(evil)}`);
      await fillSignIn(page, demoStaff("agent").email, DEMO_STAFF_PASSWORD);
      await expect(page).toHaveURL(/^http:\/\/127\.0\.0\.1:\d+\/staff$/);
    });
  }

  test("signing out ends the session", async ({ page }) => {
    await signIn(page, demoStaff("agent").email);
    await page.getByRole("button", { name: "退出登录" }).click();
    await expect(page).toHaveURL(/\/staff\/login/);
    await page.goto("/staff");
    await expect(page).toHaveURL(/\/staff\/login/);
  });

  test("English sign-in page", async ({ browser }) => {
    const context = await browser.newContext({ locale: "en-US", extraHTTPHeaders: { "x-forwarded-for": clientAddress() } });
    const page = await context.newPage();
    await page.goto("/staff/login");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Staff sign in");
    await fillSignIn(page, demoStaff("agent").email, "wrong-password-123");
    await expect(page.locator("[data-error]")).toContainText("The email or password is wrong");
    await expect(page.locator("[data-error]")).toContainText("the account is not locked");
    await context.close();
  });
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("sign-in, its errors and the console work as plain forms", async ({ page }) => {
    await page.goto("/staff/login");
    await fillSignIn(page, demoStaff("supervisor").email, "wrong-password-123");
    await expect(page.locator("[data-error]")).toHaveAttribute("data-error", "invalid_credentials");
    await fillSignIn(page, demoStaff("supervisor").email, DEMO_STAFF_PASSWORD);
    await expect(page).toHaveURL(/\/staff$/);
    await expect(page.locator("[data-staff-role]")).toHaveAttribute("data-staff-role", "supervisor");
  });
});
