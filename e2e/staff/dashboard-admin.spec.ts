import { randomInt } from "node:crypto";
import { readFile } from "node:fs/promises";
import { PNG, qrPath } from "../fixtures";
import { expect, test } from "../test";
import { clientAddress, demoStaff } from "./sign-in";

const pad = (n: number) => String(n).padStart(2, "0");

/** A receipt number no other test uses: valid check digit, never in the store (status not_found). */
function freshReceiptNo(): string {
  const body = `2026119${String(randomInt(0, 99_999_999)).padStart(8, "0")}`;
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    let d = Number(body[body.length - 1 - i]);
    if (i % 2 === 0) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return body + String((10 - (sum % 10)) % 10);
}

test("a supervisor sees the dashboard's charts with their tables, but not the admin settings", async ({ page, signedIn }) => {
  await signedIn("supervisor");
  await page.getByRole("link", { name: /^(数据看板|Dashboard)$/ }).click();
  await expect(page).toHaveURL(/\/staff\/dashboard$/);
  for (const chart of ["backlog", "breaches-now", "breaches-weekly", "causes", "payment-statuses", "resolution", "ratings", "lookups"]) {
    await expect(page.locator(`[data-chart="${chart}"] svg[role=img]`)).toBeVisible();
  }
  const backlog = page.locator('[data-chart="backlog"]');
  await backlog.getByText(/以表格显示数据|Show the figures as a table/).click();
  await expect(backlog.locator("[data-chart-table] tbody tr")).toHaveCount(6);
  await expect(page.locator('[data-chart="lookups"] [data-chart-table] tbody tr')).toHaveCount(14);

  await expect(page.getByRole("link", { name: /^(系统设置|Settings)$/ })).toHaveCount(0);
  await page.goto("/staff/admin/settings");
  await expect(page.locator("[data-error=forbidden]")).toBeVisible();
});

test("an admin corrects a calendar day and a channel cut-off, and finds both in the audit log", async ({ page, signedIn }) => {
  // A far-future day no status depends on; the cash channel carries only the voided demo receipt.
  const day = `2099-${pad(randomInt(1, 13))}-${pad(randomInt(1, 29))}`;
  const admin = demoStaff("admin");
  await signedIn("admin");
  await page.getByRole("link", { name: /^(系统设置|Settings)$/ }).click();
  await expect(page).toHaveURL(/\/staff\/admin\/settings$/);

  const cash = page.locator('[data-channel="cash"]');
  const cutoff = cash.getByLabel(/^(每日截止时间|Daily cut-off)$/);
  const saveCash = cash.getByRole("button", { name: /^(保存渠道|Save channel)$/ });
  await cutoff.fill("25:00");
  await saveCash.click();
  await expect(cash.locator("[data-error=invalid]")).toBeVisible();
  await expect(cash.locator("#field-channel-cash-cutoff-error")).toBeVisible();
  await expect(cutoff).toHaveAttribute("aria-invalid", "true");

  try {
    await cutoff.fill("15:45");
    await saveCash.click();
    await expect(cash.locator('[data-result="channel_saved"]')).toBeVisible();

    const calendar = page.locator("form").filter({ has: page.locator("#field-calendar-day") });
    await calendar.getByLabel(/^(日期|Date)$/).fill(day);
    await calendar.getByLabel(/休息日|a day off/).check();
    await calendar.getByLabel(/备注|Note/).fill("e2e 测试");
    await calendar.getByRole("button", { name: /^(保存日期|Save day)$/ }).click();
    await expect(calendar.locator('[data-result="calendar_saved"]')).toBeVisible();
    await expect(page.locator(`[data-override="${day}"]`)).toHaveAttribute("data-business-day", "false");

    await page.getByRole("link", { name: /^(审计日志|Audit log)$/ }).click();
    await page.getByLabel(/^(对象编号|Object id)$/).fill(day);
    await page.getByRole("button", { name: /^(应用筛选|Apply filters)$/ }).click();
    const dayRow = page.locator('[data-audit-row="calendar.override_set"]');
    await expect(dayRow).toHaveAttribute("data-object", `calendar_day:${day}`);
    await expect(dayRow).toContainText(admin.email);
    await expect(dayRow).toContainText("isBusinessDay=false");

    await page.goto("/staff/admin/audit?action=channel.update&objectId=cash");
    await expect(page.locator('[data-audit-row="channel.update"]').filter({ hasText: "cutoff=15:45" }).first()).toBeVisible();
  } finally {
    await page.goto("/staff/admin/settings");
    await cutoff.fill("16:00");
    await saveCash.click();
    await expect(cash.locator('[data-result="channel_saved"]')).toBeVisible();
    const remove = page.locator(`[data-override="${day}"]`).getByRole("button");
    if (await remove.count()) {
      await remove.click();
      await expect(page.locator(`[data-override="${day}"]`)).toHaveCount(0);
    }
  }
});

test("the tickets CSV download neutralises formulas and opens as UTF-8", async ({ page, browser, signedIn }) => {
  const receiptNo = freshReceiptNo();
  const formula = '=HYPERLINK("http://example.invalid","点这里")';
  await page.goto(qrPath(receiptNo).replace("?", "/ticket?"));
  await page.locator("input[name=category][value=not_posted]").check();
  await page.getByLabel(/问题说明|What happened/).fill(`${formula} 我付了款但查不到`);
  await page.getByLabel(/^联系方式$|^Contact$/).fill("13800138077");
  await page.locator("input[name=proof]").setInputFiles([{ name: "voucher.png", mimeType: "image/png", buffer: PNG }]);
  await page.getByRole("button", { name: /^(提交申请|上传付款凭证并提交|Send request|Upload proof and send)$/ }).click();
  await expect(page).toHaveURL(/\/t\/T-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
  const ref = /\/t\/(T-[0-9A-Z]{4}-[0-9A-Z]{4})$/.exec(page.url())![1]!;

  const staffPage = await browser.newPage({ extraHTTPHeaders: { "x-forwarded-for": clientAddress() } });
  try {
    await signedIn("supervisor", staffPage);
    await staffPage.goto("/staff/dashboard");
    const [download] = await Promise.all([staffPage.waitForEvent("download"), staffPage.locator("[data-export-link]").click()]);
    expect(download.suggestedFilename()).toMatch(/^tickets-\d{8}\.csv$/);
    const bytes = await readFile(await download.path());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = bytes.subarray(3).toString("utf8").split("\r\n");
    expect(lines[0]).toMatch(/^ref,created_at,status,queue,/);
    const line = lines.find((l) => l.startsWith(`${ref},`));
    expect(line).toContain(`,${receiptNo},`);
    expect(line).toContain(`"'=HYPERLINK(""http://example.invalid"",""点这里"") 我付了款但查不到"`);
    expect(line).not.toContain("13800138077");

    await staffPage.goto("/staff/admin/audit?action=tickets.export");
    await expect(staffPage.locator('[data-audit-row="tickets.export"]').first()).toContainText(demoStaff("supervisor").email);
  } finally {
    await staffPage.close();
  }
});
