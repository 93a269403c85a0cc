import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";
import { demo, qrPath } from "../fixtures";
import { expect, test } from "../test";
import { fillSignIn } from "./sign-in";

const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];

async function violations(page: Page) {
  const results = await new AxeBuilder({ page }).withTags(TAGS).analyze();
  return results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

for (const locale of ["zh-CN", "en-US"]) {
  test.describe(`staff pages in ${locale}`, () => {
    test.use({ locale });

    test("sign-in page, and its error state, have no axe violations", async ({ page }) => {
      await page.goto("/staff/login");
      expect(await violations(page)).toEqual([]);
      await fillSignIn(page, "nobody@paystatus.invalid", "wrong-password-123");
      await expect(page.locator("[data-error]")).toBeVisible();
      expect(await violations(page)).toEqual([]);
    });

    test("console and staff administration have no axe violations", async ({ page, signedIn }) => {
      await signedIn("admin");
      expect(await violations(page)).toEqual([]);
      await page.goto("/staff/admin/staff");
      await expect(page.locator("[data-staff-row]").first()).toBeVisible();
      expect(await violations(page)).toEqual([]);
    });

    test("back-office pages (corrections, exceptions, incidents, imports) have no axe violations", async ({ page, signedIn }) => {
      test.slow(); // five pages, two accounts
      await signedIn("supervisor");
      for (const path of ["/staff/corrections", "/staff/exceptions?channel=alipay", "/staff/incidents"]) {
        await page.goto(path);
        await expect(page.locator("h1")).toBeVisible();
        expect(await violations(page), path).toEqual([]);
      }
      // The incident form's error summary.
      await page.locator("#field-valueFrom").fill("2026-11-02");
      await page.locator("#field-valueTo").fill("2026-11-01");
      await page.locator("#field-messageZh").fill("a11y");
      await page.locator("#field-messageEn").fill("a11y");
      await page.getByRole("button", { name: /^(发布|Declare)$/ }).click();
      await expect(page.locator("[data-error=invalid]")).toBeVisible();
      expect(await violations(page)).toEqual([]);
      await page.context().clearCookies();
      await signedIn("admin");
      await page.goto("/staff/imports");
      await expect(page.locator("input[name=file]")).toBeVisible();
      expect(await violations(page)).toEqual([]);
    });

    test("dashboard, with every chart's table open, has no axe violations", async ({ page, signedIn }) => {
      await signedIn("supervisor");
      await page.goto("/staff/dashboard");
      await expect(page.locator('[data-chart="backlog"]')).toBeVisible();
      for (const details of await page.locator("figure details").all()) await details.locator("summary").click();
      expect(await violations(page)).toEqual([]);
    });

    test("settings and audit log, and their error states, have no axe violations", async ({ page, signedIn }) => {
      test.slow(); // three large pages analysed in one session
      await signedIn("admin");
      await page.goto("/staff/admin/audit?from=not-a-date");
      await expect(page.locator("[data-error=invalid]")).toBeVisible();
      expect(await violations(page)).toEqual([]);
      await page.goto("/staff/admin/settings");
      await expect(page.locator('[data-channel="cash"]')).toBeVisible();
      expect(await violations(page)).toEqual([]);
      // A settings form's error summary and field errors (nothing is saved).
      const publish = page.locator("form").filter({ has: page.locator("#field-publish-year") });
      await publish.locator("#field-publish-year").fill("1999");
      await publish.getByRole("button").click();
      await expect(publish.locator("[data-error=invalid]")).toBeVisible();
      expect(await violations(page)).toEqual([]);
    });

    test("queue and ticket pages have no axe violations", async ({ page, signedIn }) => {
      // A resident's report and three axe runs: more than the default budget on a busy machine.
      test.slow();
      // A ticket of its own (pending + locked: waiting on settlement in bank_liaison; the second locale finds the same one).
      await page.goto(qrPath(demo.pending.receiptNo).replace("?", "/ticket?"));
      await page.locator("input[name=category][value=locked]").check();
      await page.getByLabel(/问题说明|What happened/).fill("a11y");
      await page.getByLabel(/^联系方式$|^Contact$/).fill("a11y@example.cn");
      await page.getByRole("button", { name: /^(提交申请|上传付款凭证并提交|Send request|Upload proof and send)$/ }).click();
      await signedIn("supervisor");
      await expect(page.getByTestId("queue-counts")).toBeVisible();
      expect(await violations(page)).toEqual([]);
      await page.goto("/staff/queues/bank_liaison?status=waiting_on_settlement");
      await expect(page.getByTestId("queue-table")).toBeVisible();
      expect(await violations(page)).toEqual([]);
      await page.getByTestId("queue-table").locator("tbody a").first().click();
      await expect(page.locator("dd[data-ticket-status]")).toBeVisible();
      expect(await violations(page)).toEqual([]);
    });
  });
}
