import { devices } from "@playwright/test";
import { DEMO_BATCH_RECEIPTS } from "@/db/seed/demo-receipts";
import { qrPath } from "../fixtures";
import { clientAddress, demoStaff, signIn } from "../staff/sign-in";
import { expect, test } from "../test";

/**
 * Issue 16: a POS receipt posted through a terminal batch whose bank credit arrived net of the
 * acquirer's fee (seeded: three card payments two days ago, one credit yesterday). On a phone, in
 * both languages, the status page says `posted` with the batch wording and carries SPEC §3.6's
 * data-batch-date; it shows nothing of the batch's other payers.
 */
const { viewport, userAgent, deviceScaleFactor, isMobile, hasTouch } = devices["Pixel 7"];
const [receipt, other] = DEMO_BATCH_RECEIPTS;
const texts = {
  "zh-CN": { wording: /您的款项已随 \d{4}年\d{1,2}月\d{1,2}日 的终端批次结算，银行于 \d{4}年\d{1,2}月\d{1,2}日 入账。/ },
  "en-US": { wording: /Settled in the terminal batch of \d{1,2} \w+ \d{4}; bank credit on \d{1,2} \w+ \d{4}\./ },
} as const;

for (const locale of ["zh-CN", "en-US"] as const) {
  test.describe(`Pixel 7 ${locale}`, () => {
    test.use({ locale, viewport, userAgent, deviceScaleFactor, isMobile, hasTouch });

    test("a POS receipt posted through a fee-deducted batch credit shows its batch wording", async ({ page }) => {
      await page.goto(qrPath(receipt.receiptNo));
      await expect(page.locator("[data-status=posted]")).toBeVisible();
      const batch = page.locator("[data-batch-date]");
      await expect(batch).toContainText(texts[locale].wording);
      const batchDate = await batch.getAttribute("data-batch-date");
      const creditDate = await batch.getAttribute("data-credit-date");
      expect(batchDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(creditDate! > batchDate!).toBe(true);
      // the receipt posts at what the resident paid, not at the net the bank credited
      await expect(page.getByText(receipt.amount).first()).toBeVisible();
      // nothing of the other payers in the batch
      const body = await page.locator("body").innerText();
      expect(body).not.toContain(other.payerName.slice(0, 1) + "*");
      expect(body).not.toContain(other.amount);
      expect(body).not.toContain("DEMO0001");
    });
  });
}

test("a supervisor sees the batch's gross, fee and net, and each member's", async ({ browser }) => {
  const context = await browser.newContext({ locale: "en-US", extraHTTPHeaders: { "x-forwarded-for": clientAddress() } });
  const staff = await context.newPage();
  await signIn(staff, demoStaff("supervisor").email);
  await staff.goto("/staff/batches");
  const batch = staff.locator("[data-batch]").filter({ hasText: "DEMO0001" });
  const totals = batch.locator("dd [data-amounts]");
  const gross = DEMO_BATCH_RECEIPTS.reduce((sum, r) => sum + r.amountFen, 0);
  await expect(totals).toHaveAttribute("data-gross", String(gross));
  const fee = Number(await totals.getAttribute("data-fee"));
  expect(fee).toBeGreaterThan(0);
  await expect(totals).toHaveAttribute("data-net", String(gross - fee));
  await expect(batch.locator("[data-batch-difference]")).toHaveText("¥0.00");
  const member = batch.locator(`[data-member="${receipt.receiptNo}"] [data-amounts]`);
  await expect(member).toHaveAttribute("data-gross", String(receipt.amountFen));
  await expect(member).toContainText(/Gross ¥150\.00\s*Fee ¥0\.90\s*Net ¥149\.10/);
  await context.close();
});
