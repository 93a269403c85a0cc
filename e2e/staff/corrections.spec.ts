import { DEMO_BACK_OFFICE } from "@/db/seed/demo";
import { PNG, qrPath } from "../fixtures";
import { expect, test } from "../test";

/**
 * Maker-checker (SPEC §2.3, issue 6): a refund prepared by one clerk needs a
 * second person. Uses the back-office demo receipt (paid twice) that no other
 * test reads, so approving its refund changes no status another test expects.
 */

// A 1×1 PNG: a real image the server decodes and re-encodes, shown to staff as the voucher.


test("a refund prepared by a clerk cannot be approved by that clerk; a supervisor approves it and the status becomes refund_pending", async ({ page, staffPage }) => {
  test.slow(); // three people, each signed in
  const receiptNo = DEMO_BACK_OFFICE.refund.receiptNo;
  await page.goto(qrPath(receiptNo));
  await expect(page.locator("[data-status]")).toHaveAttribute("data-status", "duplicate");

  // The resident reports the double charge with a bank screenshot: routed to the refunds queue.
  await page.goto(qrPath(receiptNo).replace("?", "/ticket?"));
  await page.locator("input[name=category][value=duplicate_charge]").check();
  await page.getByLabel("问题说明").fill("同一笔费用被扣了两次。");
  await page.getByLabel(/^联系方式$/).fill("13800138021");
  await page.locator("input[name=proof]").setInputFiles([{ name: "bank-sms.png", mimeType: "image/png", buffer: PNG }]);
  await page.getByRole("button", { name: /^(提交申请|上传付款凭证并提交|Send request|Upload proof and send)$/ }).click();
  await expect(page).toHaveURL(/\/t\/T-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
  const ref = page.url().split("/t/")[1]!;

  // demo-clerk (refunds queue) prepares the refund with the voucher beside the form.
  const clerk = await staffPage("clerk");
  await clerk.goto(`/staff/corrections/new?ticket=${ref}`);
  await expect(clerk.locator("[data-voucher] img")).toBeVisible();
  await expect(clerk.locator("[data-billing-status]")).toHaveAttribute("data-billing-status", "paid");
  // Bad input: a clear message, nothing prepared.
  await clerk.getByLabel("金额（元）").fill("12.345");
  await clerk.getByLabel("原因").fill("重复扣款，退还一笔。");
  await clerk.getByLabel("退款账户").fill("6222021234567890123");
  await clerk.getByRole("button", { name: "提交审批" }).click();
  await expect(clerk.locator("[data-error=invalid]")).toBeVisible();
  await expect(clerk.getByRole("link", { name: /请输入以元为单位的金额/ })).toBeVisible();
  await clerk.getByLabel("金额（元）").fill("25.00");
  await clerk.getByRole("button", { name: "提交审批" }).click();
  await expect(clerk).toHaveURL(/\/staff\/corrections\/\d+\?done=prepared$/);
  const correctionUrl = new URL(clerk.url()).pathname;
  await expect(clerk.locator("[data-correction-status]")).toHaveAttribute("data-correction-status", "pending");

  // The preparer is told someone else must decide, and has no way to approve.
  await expect(clerk.locator("[data-error=own_correction]")).toBeVisible();
  await expect(clerk.getByRole("button", { name: "批准" })).toHaveCount(0);
  // Nothing changed for the resident yet.
  await page.goto(qrPath(receiptNo));
  await expect(page.locator("[data-status]")).toHaveAttribute("data-status", "duplicate");

  // demo-supervisor sees the same voucher and approves.
  const supervisor = await staffPage("supervisor");
  await supervisor.goto("/staff/corrections");
  await expect(supervisor.locator(`[data-ticket="${ref}"]`)).toBeVisible();
  await supervisor.goto(correctionUrl);
  await expect(supervisor.locator("[data-voucher] img")).toBeVisible();
  await supervisor.getByLabel("备注（可选）").fill("已核对银行流水。");
  await supervisor.getByRole("button", { name: "批准" }).click();
  await expect(supervisor.locator("[data-result=approved]")).toBeVisible();
  await expect(supervisor.locator("[data-correction-status]")).toHaveAttribute("data-correction-status", "approved");
  await expect(supervisor.locator("[data-billing-status]")).toHaveAttribute("data-billing-status", "refund_pending");

  // The clerk's page, rendered before the approval, no longer offers a decision either.
  await clerk.reload();
  await expect(clerk.locator("[data-correction-status]")).toHaveAttribute("data-correction-status", "approved");

  await page.goto(qrPath(receiptNo));
  await expect(page.locator("[data-status]")).toHaveAttribute("data-status", "refund_pending");
});
