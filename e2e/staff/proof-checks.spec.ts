import { DEMO_PROOF } from "@/db/seed/demo";
import { renderScreen } from "@/lib/proofs/corpus";
import { qrPath } from "../fixtures";
import { expect, test } from "../test";

/**
 * Proof reading (issue 15): a resident of an unpaid receipt uploads a WeChat
 * Pay screenshot whose transaction number is on an unmatched statement line;
 * the worker reads it (tesseract), the clerk's ticket page proposes that line,
 * and confirming it posts the receipt and resolves the ticket; the re-entry
 * form opens filled in from the reading.
 */
test("a slip's transaction number on an exception line: proposed on the ticket page, confirmed by a clerk, posted and resolved", async ({ page, staffPage }) => {
  test.slow(); // the in-process worker reads proofs every 15 s
  const slip = await renderScreen("wechat", {
    amountFen: DEMO_PROOF.amountFen,
    date: new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai" }).format(new Date()),
    time: "09:41:07",
    transactionId: DEMO_PROOF.transactionId,
    orderNo: DEMO_PROOF.receiptNo,
    receiptNo: DEMO_PROOF.receiptNo,
    payee: "北京市海淀区税务局",
    payerAccountTail: null,
  });
  await page.goto(qrPath(DEMO_PROOF.receiptNo));
  await expect(page.locator("[data-status]")).toHaveAttribute("data-status", "unpaid");
  await page.goto(qrPath(DEMO_PROOF.receiptNo).replace("?", "/ticket?"));
  await page.locator("input[name=category][value=not_posted]").check();
  await page.getByLabel("问题说明").fill("已用微信支付缴费，附上付款截图。");
  await page.getByLabel(/^联系方式$/).fill("13800138036");
  await page.locator("input[name=proof]").setInputFiles([{ name: "微信支付凭证.png", mimeType: "image/png", buffer: slip }]);
  await page.getByRole("button", { name: "提交" }).click();
  await expect(page).toHaveURL(/\/t\/T-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
  const ref = page.url().split("/t/")[1]!;

  const clerk = await staffPage("supervisor");
  await clerk.goto(`/staff/tickets/${ref}`);
  const check = clerk.locator("[data-proof-check]");
  await expect(async () => {
    await clerk.reload();
    await expect(check).toHaveAttribute("data-proof-check", "reference_match", { timeout: 1000 });
  }).toPass({ timeout: 90_000, intervals: [3000] });
  await expect(check).toContainText("流水号相同，金额相同");
  await expect(check).toContainText(DEMO_PROOF.transactionId);
  await expect(clerk.locator("[data-ticket-status]")).toHaveAttribute("data-ticket-status", "open");

  // The re-entry (补录) form, the other way to settle it, opens filled in from the reading.
  await clerk.goto(`/staff/corrections/new?ticket=${ref}`);
  await expect(clerk.locator("[data-prefilled-from-proof]")).toBeVisible();
  await expect(clerk.locator("input[name=amount]")).toHaveValue(DEMO_PROOF.amount);
  await expect(clerk.locator("input[name=bankRef]")).toHaveValue(DEMO_PROOF.transactionId);
  await expect(clerk.locator("input[name=paidAt]")).toHaveValue(/T09:41$/);

  await clerk.goto(`/staff/tickets/${ref}`);
  await clerk.getByRole("button", { name: "确认匹配并解决工单" }).click();
  // The page re-renders: the line is matched now, so the proposal (and its form) is gone.
  await expect(clerk.locator("[data-ticket-status]")).toHaveAttribute("data-ticket-status", "resolved");
  await expect(clerk.locator("[data-proposed-line]")).toHaveCount(0);
  await expect(check).toHaveAttribute("data-proof-check", "reference_match");
  await expect(clerk.locator(`[data-match-line]`)).toHaveCount(0);

  await page.goto(qrPath(DEMO_PROOF.receiptNo));
  await expect(page.locator("[data-status]")).toHaveAttribute("data-status", "posted");
});
