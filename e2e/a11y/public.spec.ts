import { randomInt } from "node:crypto";
import AxeBuilder from "@axe-core/playwright";
import { withLuhnDigit } from "@/lib/receipt-number";
import { expect, test } from "../test";
import { demo, qrPath } from "../fixtures";

const pages: [string, string][] = [
  ["lookup", "/"],
  ["help", "/help"],
  ["missing-record report", `/r/${demo.not_found.receiptNo}/missing`],
  ["ticket report", qrPath(demo.unpaid.receiptNo).replace("?", "/ticket?")],
  ["tracking without access", "/t/T-AAAA-AAAA"],
  ...Object.entries(demo).map(([code, { receiptNo }]): [string, string] => [`status ${code}`, qrPath(receiptNo)]),
];

for (const locale of ["zh-CN", "en-US"]) {
  test.describe(locale, () => {
    test.use({ locale });
    for (const [name, path] of pages) {
      test(`${name} has no axe violations`, async ({ page }) => {
        await page.goto(path);
        const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]).analyze();
        expect(results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)).toEqual([]);
      });
    }

    // no_match, mistyped and rate_limited; a receipt number of its own per test, so the per-receipt limit is this test's alone.
    for (const code of ["no_match", "mistyped", "rate_limited"] as const) {
      test(`lookup ${code} state has no axe violations`, async ({ page }) => {
        const receiptNo = withLuhnDigit(`2026990${String(randomInt(0, 1e8)).padStart(8, "0")}`);
        const attempts = code === "rate_limited" ? 11 : 1;
        for (let i = 0; i < attempts; i++) {
          await page.goto("/");
          await page.locator("input[name=receipt]").fill(code === "mistyped" ? receiptNo.slice(0, 15) + ((Number(receiptNo[15]) + 1) % 10) : receiptNo);
          await page.locator("input[name=amount]").fill("1.00");
          await page.locator("form").filter({ has: page.locator("input[name=receipt]") }).locator("button[type=submit]").click();
          await expect(page.locator("[data-error]")).toBeVisible();
        }
        await expect(page.locator("[data-error]")).toHaveAttribute("data-error", code);
        const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]).analyze();
        expect(results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)).toEqual([]);
      });
    }

    test("lookup error state has no axe violations", async ({ page }) => {
      await page.goto("/");
      await page.getByRole("button").last().click();
      await expect(page.locator("[data-error]")).toBeVisible();
      const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa"]).analyze();
      expect(results.violations.map((v) => v.id)).toEqual([]);
    });
  });
}

test.describe("ticket pages", () => {
  for (const locale of ["zh-CN", "en-US"]) {
    test(`report form and tracking page have no axe violations (${locale})`, async ({ page }) => {
      await page.context().setExtraHTTPHeaders({ "accept-language": locale });
      await page.goto(qrPath(demo.amount_mismatch.receiptNo).replace("?", "/ticket?"));
      const form = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa"]).analyze();
      expect(form.violations.map((v) => v.id)).toEqual([]);
      await page.locator("input[name=category]").last().check();
      await page.locator("#field-description").fill("a11y");
      await page.locator("#field-contact").fill("a11y@example.cn");
      await page.locator("button[type=submit]").last().click();
      await expect(page.locator("[data-ticket-status], [data-outcome]").first()).toBeVisible();
      const tracking = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa"]).analyze();
      expect(tracking.violations.map((v) => v.id)).toEqual([]);
    });
  }
});

// Issue 18 item 9: elder mode (长辈版) stays at zero violations.
test.describe("elder mode", () => {
  for (const locale of ["zh-CN", "en-US"]) {
    for (const [name, path] of [pages[0]!, ...pages.filter(([n]) => /posted|amount_mismatch|unpaid|refund_pending/.test(n))]) {
      test(`${name} has no axe violations in elder mode (${locale})`, async ({ page, baseURL }) => {
        await page.context().setExtraHTTPHeaders({ "accept-language": locale });
        await page.context().addCookies([{ name: "paystatus_elder", value: "1", url: baseURL! }]);
        await page.goto(path);
        await expect(page.locator("html")).toHaveAttribute("data-elder", "true");
        const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]).analyze();
        expect(results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)).toEqual([]);
      });
    }
  }
  test("the certificate verification page has no axe violations", async ({ page }) => {
    await page.goto("/certificate/JF-0000-0000-0000?n=x");
    await expect(page.locator('[data-certificate-valid="false"]')).toBeVisible();
    const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]).analyze();
    expect(results.violations.map((v) => v.id)).toEqual([]);
  });
});
