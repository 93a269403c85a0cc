import { randomInt } from "node:crypto";
import { devices, type Page } from "@playwright/test";
import { withLuhnDigit } from "@/lib/receipt-number";
import { demo, PNG, qrPath } from "../fixtures";
import { expect, test } from "../test";

/** Issue 18, resident side: a way forward from every page, kept proofs, 办件进度, the first screen. */
const proof = { name: "bank-sms.png", mimeType: "image/png", buffer: PNG };
const SUBMIT = /^(提交申请|上传付款凭证并提交|Send request|Upload proof and send)$/;
const freshReceipt = () => withLuhnDigit(`2026980${String(randomInt(0, 1e8)).padStart(8, "0")}`);

async function lookup(page: Page, receipt: string, amount: string) {
  await page.goto("/");
  await page.locator("input[name=receipt]").fill(receipt);
  await page.locator("input[name=amount]").fill(amount);
  await page.locator("main form button[type=submit]").click();
  await expect(page.locator("[data-error]")).toHaveAttribute("data-error", "no_match");
}

for (const locale of ["zh-CN", "en-US"] as const) {
  for (const javaScriptEnabled of [true, false]) {
    test.describe(`${locale}, ${javaScriptEnabled ? "with" : "without"} JavaScript`, () => {
      test.use({ locale, javaScriptEnabled });

      test("a failed lookup offers the same way forward for an unknown receipt and a wrong amount, ending in a data_entry ticket", async ({ page }) => {
        const unknown = freshReceipt();
        await lookup(page, demo.posted.receiptNo, "99.99");
        const wrongAmount = (await page.locator("[data-still-not-found]").innerHTML()).replaceAll(demo.posted.receiptNo, "N");
        await lookup(page, unknown, "25.00");
        const block = page.locator("[data-still-not-found]");
        expect((await block.innerHTML()).replaceAll(unknown, "N")).toBe(wrongAmount);
        await expect(block.getByRole("heading")).toHaveText(/还是查不到？|Still can't find it\?/);

        await block.locator(`a[href="/r/${unknown}/missing"]`).click();
        await expect(page.locator("input[name=category]")).toHaveAttribute("value", "not_posted");
        await expect(page.getByText(/付款凭证（必填|Proof of payment \(required/)).toBeVisible();
        await page.locator("textarea[name=description]").fill("2026 年 11 月 3 日手机银行缴纳 25.00 元");
        await page.locator("input[name=contact]").fill("13800138000");
        await page.getByRole("button", { name: SUBMIT }).click();
        await expect(page.locator("[data-error]")).toHaveAttribute("data-error", "needs_proof");

        await page.locator("input[name=proof]").setInputFiles([proof]);
        await page.getByRole("button", { name: SUBMIT }).click();
        await expect(page).toHaveURL(/\/t\/T-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
        await expect(page.locator("[data-ticket-status]")).toHaveAttribute("data-queue", "data_entry");
        // Nothing about the receipt's record is shown for a report made without access to it.
        await expect(page.locator("[data-receipt-summary]")).toHaveCount(0);
      });

      test("help is one link away from every page and every error", async ({ page }) => {
        await page.goto("/");
        await expect(page.locator("footer a[href='/help']")).toBeVisible();
        await expect(page.locator("footer")).not.toContainText("查询结果页");
        await page.goto("/no-such-page");
        await expect(page.locator("main a[href='/help']")).toBeVisible();
        await page.goto("/help");
        await expect(page.locator("[data-help-hotline]")).toHaveText("12345");
        await expect(page.locator("[data-help-hotline]")).toHaveAttribute("href", "tel:12345");
        await expect(page.getByRole("heading", { level: 1 })).toHaveText(/办事指南与服务热线|Help and service hotline/);
      });

      test("a proof attached to a form that comes back with an error is kept and used", async ({ page }) => {
        // One open ticket per receipt and category (SPEC §2.3): each variant reports its own pair, and none that another spec reports.
        const [status, category] = ({ "zh-CN": { true: ["unpaid", "wrong_amount"], false: ["unpaid", "duplicate_charge"] }, "en-US": { true: ["not_found", "other"], false: ["not_found", "locked"] } } as const)[locale][`${javaScriptEnabled}`];
        await page.goto(qrPath(demo[status].receiptNo).replace("?", "/ticket?"));
        await expect(page.locator("label[for=field-proof]")).toHaveText(/必填|required/);
        await page.locator(`input[name=category][value=${category}]`).check();
        await page.locator("textarea[name=description]").fill("已通过柜台缴费，附回单。");
        await page.locator("input[name=contact]").fill("1380013");
        await page.locator("input[name=proof]").setInputFiles([proof]);
        await page.getByRole("button", { name: SUBMIT }).click();
        await expect(page.locator("#field-contact-error")).toBeVisible();
        await expect(page.locator("[data-kept-proofs]")).toHaveText(/已保留 1 个文件|1 file\(s\) kept/);

        await page.locator("input[name=contact]").fill("13800138000");
        await page.getByRole("button", { name: SUBMIT }).click();
        await expect(page).toHaveURL(/\/t\/T-/);
        await expect(page.locator("[data-ticket-status]")).toHaveAttribute("data-queue", "data_entry");
        await expect(page.getByRole("link", { name: /附件 1|Attachment 1/ })).toBeVisible();
      });
    });
  }
}

for (const locale of ["zh-CN", "en-US"] as const) {
  test.describe(`办件进度 (${locale})`, () => {
    test.use({ locale });

    test("stages, due date, receipt summary and reference; another device gets back in from the receipt", async ({ page, browser }) => {
      await page.goto(qrPath(demo.overdue.receiptNo).replace("?", "/ticket?"));
      // One open ticket per receipt and category: each language reports its own category.
      await page.locator(`input[name=category][value=${locale === "zh-CN" ? "invoice_missing" : "duplicate_charge"}]`).check();
      await page.locator("textarea[name=description]").fill("预计入账日已过。");
      await page.locator("input[name=contact]").fill("13800138000");
      await page.getByRole("button", { name: SUBMIT }).click();
      await expect(page).toHaveURL(/\/t\/T-/);
      const ref = new URL(page.url()).pathname.split("/").at(-1)!;

      await expect(page.getByRole("heading", { level: 1 })).toContainText(locale === "zh-CN" ? `受理编号 ${ref}` : ref);
      await expect(page.locator("[data-stage=received]")).toHaveAttribute("data-stage-reached", "true");
      await expect(page.locator("[data-stage=done]")).toHaveAttribute("data-stage-reached", "false");
      await expect(page.locator("[data-due-date]")).toHaveAttribute("data-due-date", /^\d{4}-\d{2}-\d{2}$/);
      await expect(page.locator("[data-receipt-summary]")).toContainText(demo.overdue.receiptNo);
      await expect(page.locator("[data-receipt-summary]")).toContainText("¥1,234.50");
      await expect(page.locator("[data-ticket-ref]")).toHaveText(ref);
      await expect(page.locator("[data-copy-ref]")).toBeVisible();

      // Another device, JavaScript off: the bare link explains the way back in, the QR link opens it.
      const other = await browser.newContext({ locale, javaScriptEnabled: false, ...phoneOf("Pixel 7") });
      const second = await other.newPage();
      await second.goto(`/t/${ref}`);
      await expect(second.locator("[data-recover]")).toBeVisible();
      await expect(second.locator("[data-ticket-ref]")).toHaveCount(0);
      await second.goto(qrPath(demo.overdue.receiptNo));
      await second.locator(`[data-receipt-tickets] a[href*="/tickets/${ref}"]`).click();
      await expect(second).toHaveURL(`/t/${ref}`);
      await expect(second.locator("[data-ticket-status]")).toHaveAttribute("data-ticket-status", "open");
      await expect(second.locator("[data-ticket-ref]")).toHaveText(ref);
      await expect(second.locator("[data-copy-ref]")).toHaveCount(0);
      await other.close();
    });
  });
}

/** A phone's viewport and touch settings, without its browser type (the project runs Chromium). */
function phoneOf(name: "Pixel 7" | "iPhone 13") {
  const { viewport, userAgent, deviceScaleFactor, isMobile, hasTouch } = devices[name];
  return { viewport, userAgent, deviceScaleFactor, isMobile, hasTouch };
}

for (const name of ["Pixel 7", "iPhone 13"] as const) {
  for (const locale of ["zh-CN", "en-US"] as const) {
    test.describe(`first screen on ${name} (${locale})`, () => {
      test.use({ locale, ...phoneOf(name) });
      for (const [status, label] of [
        ["overdue", /申请核查入账|Ask us to check the posting/],
        ["unpaid", /上传付款凭证|Upload proof of payment/],
        ["amount_mismatch", /申请补缴差额|Ask how to pay the difference/],
      ] as const) {
        test(`${status}: the named next step is on the first screen, before the details`, async ({ page }) => {
          await page.goto(qrPath(demo[status].receiptNo));
          const next = page.locator("[data-next-step]");
          await expect(next).toHaveText(label);
          const box = (await next.boundingBox())!;
          const details = (await page.locator("section[aria-labelledby=status-title] > dl").boundingBox())!;
          console.log(`first screen ${name} ${locale} ${status}: next step bottom ${Math.round(box.y + box.height)} px of ${page.viewportSize()!.height} px`);
          expect(box.y + box.height).toBeLessThanOrEqual(page.viewportSize()!.height);
          expect(box.y).toBeLessThan(details.y);
        });
      }
    });
  }
}
