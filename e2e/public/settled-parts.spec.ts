import { DEMO_SETTLED } from "@/db/seed/demo";
import { qrPath } from "../fixtures";
import { expect, test } from "../test";

/**
 * Issue 16 (partial payments) and issue 18 item 2 (duplicates) on a phone, zh-CN and en: a receipt paid in
 * two parts that fall short shows each part and the part still missing; a receipt paid twice lists both
 * payments (amounts and dates) instead of one "amount paid", and the refunds case matching opened by itself.
 */

const texts = {
  "zh-CN": { first: /第 1 笔：¥200\.00，\d{4}年\d{1,2}月\d{1,2}日 到账/, second: /第 2 笔：¥100\.00/, missing: "尚需补缴：¥80.00", total: "合计到账：¥300.00", amountPaid: "实付金额", twice: [/第 1 笔：¥25\.00/, /第 2 笔：¥25\.00/], refund: "应退金额：¥25.00", accepted: "已受理", due: /预计 \d{4}年\d{1,2}月\d{1,2}日 前办结/ },
  "en-US": { first: /Payment 1: ¥200\.00, received \d{1,2} \w+ \d{4}/, second: /Payment 2: ¥100\.00/, missing: "Still to pay: ¥80.00", total: "Received in total: ¥300.00", amountPaid: "Amount paid", twice: [/Payment 1: ¥25\.00/, /Payment 2: ¥25\.00/], refund: "Amount to refund: ¥25.00", accepted: "Accepted", due: /Expected to be completed by \d{1,2} \w+ \d{4}/ },
} as const;

for (const locale of ["zh-CN", "en-US"] as const) {
  const x = texts[locale];
  test.describe(locale, () => {
    test.use({ locale });

    test("paid in two parts: each part, the total and the part still missing", async ({ page }) => {
      await page.goto(qrPath(DEMO_SETTLED.partial.receiptNo));
      await expect(page.locator("[data-status]")).toHaveAttribute("data-status", "amount_mismatch");
      const payments = page.locator("[data-payments]");
      await expect(payments).toHaveAttribute("data-payments", "2");
      await expect(payments).toContainText(x.first);
      await expect(payments).toContainText(x.second);
      await expect(payments).toContainText(x.total);
      await expect(page.locator("[data-still-missing]")).toHaveText(x.missing);
      await expect(page.locator("[data-pay-difference]")).toHaveAttribute("data-pay-difference", "8000");
      // No refund is promised for a shortfall.
      await expect(page.locator("[data-refund-progress]")).toHaveCount(0);
    });

    test("paid twice: both payments, no single amount paid, and the refund case's progress", async ({ page }) => {
      await page.goto(qrPath(DEMO_SETTLED.paidTwice.receiptNo));
      await expect(page.locator("[data-status]")).toHaveAttribute("data-status", "duplicate");
      const payments = page.locator("[data-payments]");
      for (const p of x.twice) await expect(payments).toContainText(p);
      await expect(page.locator("dl").first()).not.toContainText(x.amountPaid);
      const refund = page.locator("[data-refund-progress]");
      await expect(refund).toHaveAttribute("data-refund-progress", "accepted");
      await expect(refund).toHaveAttribute("data-refund-fen", "2500");
      await expect(refund).toContainText(x.refund);
      await expect(refund.locator("[aria-current=step]")).toHaveText(x.accepted);
      await expect(refund).toContainText(x.due);
    });
  });
}
