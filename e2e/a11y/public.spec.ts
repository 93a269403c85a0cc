import { randomInt } from "node:crypto";
import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";
import { withLuhnDigit } from "@/lib/receipt-number";
import { expect, test } from "../test";
import { demo, qrPath } from "../fixtures";
import { postForm, renderedForm } from "../security/helpers";

/**
 * axe on every resident page state, in both languages and in elder mode. Each test walks several
 * states (one navigation or form submission each, axe on each, soft failures so one state's
 * violations do not hide the next's): a browser context per state cost more than the states.
 */
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];
/** The set the lookup error, ticket and certificate states were first checked with. */
const TAGS_WITHOUT_21A = ["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa"];

async function violations(page: Page, tags = TAGS): Promise<string[]> {
  const results = await new AxeBuilder({ page }).withTags(tags).analyze();
  return results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

const pages: [string, string][] = [
  ["lookup", "/"],
  ["help", "/help"],
  ["missing-record report", `/r/${demo.not_found.receiptNo}/missing`],
  ["ticket report", qrPath(demo.unpaid.receiptNo).replace("?", "/ticket?")],
  ["tracking without access", "/t/T-AAAA-AAAA"],
];
const statusPages = Object.entries(demo).map(([code, { receiptNo }]): [string, string] => [`status ${code}`, qrPath(receiptNo)]);

/** A receipt number no demo receipt has (valid check digit): its per-receipt lookup limit is the test's alone. */
const freshReceiptNo = () => withLuhnDigit(`2026990${String(randomInt(0, 1e8)).padStart(8, "0")}`);

const lookupForm = (page: Page) => page.locator("form").filter({ has: page.locator("input[name=receipt]") });

async function lookUp(page: Page, receiptNo: string) {
  await page.locator("input[name=receipt]").fill(receiptNo);
  await page.locator("input[name=amount]").fill("1.00");
  await lookupForm(page).locator("button[type=submit]").click();
  await expect(page.locator("[data-error]")).toBeVisible();
}

for (const locale of ["zh-CN", "en-US"]) {
  test.describe(locale, () => {
    test.use({ locale });

    test("lookup, help, report and tracking pages have no axe violations", async ({ page }) => {
      for (const [name, path] of pages) {
        await page.goto(path);
        expect.soft(await violations(page), name).toEqual([]);
      }
    });

    test("every status page has no axe violations", async ({ page }) => {
      for (const [name, path] of statusPages) {
        await page.goto(path);
        expect.soft(await violations(page), name).toEqual([]);
      }
    });

    // The lookup's error, no_match, mistyped and rate_limited states, one submission each.
    test("the lookup's error states have no axe violations", async ({ page, clientAddress }) => {
      await page.goto("/");
      await page.getByRole("button").last().click();
      await expect(page.locator("[data-error]")).toBeVisible();
      expect.soft(await violations(page, TAGS_WITHOUT_21A), "error").toEqual([]);

      const receiptNo = freshReceiptNo();
      await lookUp(page, receiptNo);
      await expect(page.locator("[data-error]")).toHaveAttribute("data-error", "no_match");
      expect.soft(await violations(page), "no_match").toEqual([]);

      await lookUp(page, receiptNo.slice(0, 15) + ((Number(receiptNo[15]) + 1) % 10));
      await expect(page.locator("[data-error]")).toHaveAttribute("data-error", "mistyped");
      expect.soft(await violations(page), "mistyped").toEqual([]);

      // rate_limited: ten lookups of another fresh receipt posted at once (the rendered no-JS form, from this
      // test's client), then the eleventh through the page.
      const limited = freshReceiptNo();
      const form = await renderedForm(page, lookupForm(page));
      const posts = await Promise.all(
        Array.from({ length: 10 }, () => postForm(page.request, form, { receipt: limited, amount: "1.00" }, [], { "x-forwarded-for": clientAddress })),
      );
      for (const response of posts) expect(response.status()).toBeLessThan(500);
      await lookUp(page, limited);
      await expect(page.locator("[data-error]")).toHaveAttribute("data-error", "rate_limited");
      expect.soft(await violations(page), "rate_limited").toEqual([]);
    });
  });
}

test.describe("ticket pages", () => {
  for (const locale of ["zh-CN", "en-US"]) {
    test(`report form and tracking page have no axe violations (${locale})`, async ({ page }) => {
      await page.context().setExtraHTTPHeaders({ "accept-language": locale });
      await page.goto(qrPath(demo.amount_mismatch.receiptNo).replace("?", "/ticket?"));
      expect.soft(await violations(page, TAGS_WITHOUT_21A), "report form").toEqual([]);
      await page.locator("input[name=category]").last().check();
      await page.locator("#field-description").fill("a11y");
      await page.locator("#field-contact").fill("a11y@example.cn");
      await page.locator("button[type=submit]").last().click();
      await expect(page.locator("[data-ticket-status], [data-outcome]").first()).toBeVisible();
      expect.soft(await violations(page, TAGS_WITHOUT_21A), "tracking page").toEqual([]);
    });
  }
});

// Issue 18 item 9: elder mode (长辈版) stays at zero violations.
test.describe("elder mode", () => {
  const elderPages = [pages[0]!, ...statusPages.filter(([n]) => /posted|amount_mismatch|unpaid|refund_pending/.test(n))];
  for (const locale of ["zh-CN", "en-US"]) {
    test(`the lookup and status pages have no axe violations in elder mode (${locale})`, async ({ page, baseURL }) => {
      await page.context().setExtraHTTPHeaders({ "accept-language": locale });
      await page.context().addCookies([{ name: "paystatus_elder", value: "1", url: baseURL! }]);
      for (const [name, path] of elderPages) {
        await page.goto(path);
        await expect(page.locator("html"), name).toHaveAttribute("data-elder", "true");
        expect.soft(await violations(page), name).toEqual([]);
      }
    });
  }
  test("the certificate verification page has no axe violations", async ({ page }) => {
    await page.goto("/certificate/JF-0000-0000-0000?n=x");
    await expect(page.locator('[data-certificate-valid="false"]')).toBeVisible();
    expect(await violations(page, TAGS_WITHOUT_21A)).toEqual([]);
  });
});
