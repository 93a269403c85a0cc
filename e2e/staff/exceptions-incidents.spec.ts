import { DEMO_BACK_OFFICE } from "@/db/seed/demo";
import { qrPath } from "../fixtures";
import { expect, test } from "../test";

/** Exceptions with manual matching, and incidents on the status pages (issue 6), on back-office demo data no other test reads. */


/** Today in the service zone, shifted by `days`. */
function serviceDate(days: number): string {
  const today = new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai" }).format(new Date());
  const d = new Date(`${today}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

test("a supervisor filters the exceptions and matches a line to its candidate receipt by hand", async ({ staffPage }) => {
  const { receiptNo, amount } = DEMO_BACK_OFFICE.exception;
  const supervisor = await staffPage("supervisor");
  await supervisor.goto("/staff/exceptions");
  await supervisor.getByLabel("渠道", { exact: true }).selectOption("alipay");
  await supervisor.getByLabel("金额（元）").fill(amount);
  await supervisor.getByRole("button", { name: "筛选" }).click();
  await expect(supervisor).toHaveURL(/channel=alipay/);
  const lines = supervisor.locator("[data-exception]");
  await expect(lines).toHaveCount(2);
  await expect(lines.first().locator(`[data-candidate="${receiptNo}"]`)).toBeVisible();

  await lines.first().getByRole("button", { name: `匹配到 ${receiptNo}` }).click();
  await expect(supervisor.locator("[data-result=matched]")).toBeVisible();
  // The filters survive; one line is left, and the receipt is nobody's candidate any more.
  await expect(supervisor).toHaveURL(/channel=alipay/);
  await expect(lines).toHaveCount(1);
  await expect(supervisor.locator("[data-candidate]")).toHaveCount(0);
});

test("an exception the fee rule does not explain shows gross, fee, expected net and the difference", async ({ staffPage }) => {
  const { receiptNo, amountFen, creditFen } = DEMO_BACK_OFFICE.feeShort;
  const supervisor = await staffPage("supervisor");
  await supervisor.goto(`/staff/exceptions?channel=wechat&amount=${(creditFen / 100).toFixed(2)}`);
  const candidate = supervisor.locator(`[data-exception] [data-candidate="${receiptNo}"]`);
  await expect(candidate).toContainText("按费率扣除手续费后金额相近");
  // WeChat Pay keeps 0.6 %: ¥1.80 of ¥300.00, so ¥298.20 was expected and ¥298.00 came
  const amounts = candidate.locator("[data-fee-difference] [data-amounts]");
  await expect(amounts).toHaveAttribute("data-gross", String(amountFen));
  await expect(amounts).toHaveAttribute("data-fee", "180");
  await expect(amounts).toHaveAttribute("data-net", "29820");
  await expect(amounts).toHaveAttribute("data-difference", "-20");
  await expect(amounts).toContainText("按费率应到账 ¥298.20");
  await expect(amounts).toContainText("差额 −¥0.20");
});

test("an incident shows on the affected status page, groups its tickets, and goes away when ended", async ({ page, staffPage }) => {
  test.slow(); // a resident and a supervisor, status pages checked three times
  const { receiptNo } = DEMO_BACK_OFFICE.incident;
  await page.goto(qrPath(receiptNo).replace("?", "/ticket?"));
  await page.locator("input[name=category][value=not_posted]").check();
  await page.getByLabel("问题说明").fill("十天前缴费，至今未入账。");
  await page.getByLabel(/^联系方式$/).fill("13800138023");
  await page.getByRole("button", { name: /^(提交申请|上传付款凭证并提交|Send request|Upload proof and send)$/ }).click();
  await expect(page).toHaveURL(/\/t\/T-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
  const ref = page.url().split("/t/")[1]!;
  await page.goto(qrPath(receiptNo));
  await expect(page.locator("[data-status]")).toHaveAttribute("data-status", "overdue");
  await expect(page.locator("[data-incident]")).toHaveCount(0);

  const supervisor = await staffPage("supervisor");
  await supervisor.goto("/staff/incidents");
  // Bad input first: the last day before the first one.
  await supervisor.getByLabel("渠道", { exact: true }).selectOption(DEMO_BACK_OFFICE.incident.channel);
  await supervisor.getByLabel("受影响的第一个起息日").fill(serviceDate(0));
  await supervisor.getByLabel("受影响的最后一个起息日").fill(serviceDate(-14));
  await supervisor.getByLabel("给居民的中文说明").fill("现金解款系统故障，入账延迟。");
  await supervisor.getByLabel("给居民的英文说明").fill("Cash remittance outage: posting is delayed.");
  await supervisor.getByRole("button", { name: "发布" }).click();
  await expect(supervisor.locator("[data-error=invalid]")).toBeVisible();
  await expect(supervisor.getByLabel("给居民的中文说明")).toHaveValue("现金解款系统故障，入账延迟。");

  await supervisor.getByLabel("受影响的第一个起息日").fill(serviceDate(-14));
  await supervisor.getByLabel("受影响的最后一个起息日").fill(serviceDate(0));
  await supervisor.getByRole("button", { name: "发布" }).click();
  await expect(supervisor.locator("[data-result=declared]")).toBeVisible();
  await expect(supervisor.locator(`[data-incident-ticket="${ref}"]`)).toBeVisible();

  await page.reload();
  await expect(page.locator("[data-incident]")).toContainText("现金解款系统故障，入账延迟。");

  await supervisor.getByRole("button", { name: "结束此故障" }).click();
  await expect(supervisor.locator("[data-result=ended]")).toBeVisible();
  await expect(supervisor.locator("[data-incident-state]")).toHaveAttribute("data-incident-state", "ended");
  await page.reload();
  await expect(page.locator("[data-status]")).toHaveAttribute("data-status", "overdue");
  await expect(page.locator("[data-incident]")).toHaveCount(0);
});
