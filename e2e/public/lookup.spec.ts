import type { Page } from "@playwright/test";
import { expect, test } from "../test";
import { demo, qrPath, tokenFor } from "../fixtures";

async function lookUp(page: Page, receipt: string, amount: string) {
  await page.goto("/");
  await page.getByLabel(/收据号|Receipt number/).fill(receipt);
  await page.getByLabel(/实付金额|Amount paid/).fill(amount);
  await page.getByRole("button", { name: /^(查询|Check status)$/ }).click();
}

test.describe("lookup", () => {
  test("answers in Chinese by default, with a numeric keypad for the amount", async ({ page }) => {
    await page.goto("/");
    await expect(page.locator("html")).toHaveAttribute("lang", "zh-CN");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("查询缴费是否入账");
    await expect(page.getByLabel("实付金额（元）")).toHaveAttribute("inputmode", "decimal");
  });

  test("receipt and amount lead to the status page", async ({ page }) => {
    await lookUp(page, demo.posted.receiptNo, demo.posted.amount);
    await expect(page).toHaveURL(`/r/${demo.posted.receiptNo}`);
    await expect(page.locator("[data-status]")).toHaveAttribute("data-status", "posted");
  });

  test("full-width digits, spaces and hyphens are understood", async ({ page }) => {
    const fullWidth = demo.pending.receiptNo.replace(/\d/g, (d) => String.fromCharCode(0xff10 + Number(d)));
    await lookUp(page, `${fullWidth.slice(0, 4)} ${fullWidth.slice(4, 8)}－${fullWidth.slice(8)}`, "３８０");
    await expect(page.locator("[data-status]")).toHaveAttribute("data-status", "pending");
  });

  test("unknown receipt and wrong amount get the same answer", async ({ page }) => {
    await lookUp(page, demo.posted.receiptNo, "24.00");
    const wrongAmount = await page.locator("[data-error]").textContent();
    await expect(page.locator("[data-error]")).toHaveAttribute("data-error", "no_match");
    await lookUp(page, demo.not_found.receiptNo, "24.00");
    await expect(page.locator("[data-error]")).toHaveAttribute("data-error", "no_match");
    expect(await page.locator("[data-error]").textContent()).toBe(wrongAmount);
  });

  test("a wrong check digit is called mistyped", async ({ page }) => {
    const r = demo.posted.receiptNo;
    await lookUp(page, r.slice(0, 15) + ((Number(r[15]) + 1) % 10), "25");
    await expect(page.locator("[data-error]")).toHaveAttribute("data-error", "mistyped");
    await expect(page.locator("[data-error]")).toContainText("输错");
  });

  const badInputs: [string, string, string][] = [
    ["", "", "invalid"],
    ["😀", "25", "invalid"],
    ["'; drop table receipts; --", "25", "invalid"],
    ["-", "25", "invalid"],
    // the field stops at 64 characters, which is not a valid number either
    ["9".repeat(200), "25", "mistyped"],
  ];
  for (const [input, amount, code] of badInputs) {
    test(`bad input ${JSON.stringify(input.slice(0, 12))} gets a clear message`, async ({ page }) => {
      await lookUp(page, input, amount);
      await expect(page.locator("[data-error]")).toHaveAttribute("data-error", code);
      await expect(page.locator("#field-receipt-error")).toBeVisible();
    });
  }

  for (const amount of ["-5", "12.345", "1e3"]) {
    test(`amount ${amount} is refused`, async ({ page }) => {
      await lookUp(page, demo.posted.receiptNo, amount);
      await expect(page.locator("[data-error]")).toHaveAttribute("data-error", "invalid");
      await expect(page.locator("#field-amount-error")).toBeVisible();
    });
  }
});

test.describe("QR links", () => {
  for (const [code, { receiptNo }] of Object.entries(demo)) {
    test(`${code} is shown from its QR code`, async ({ page }) => {
      await page.goto(qrPath(receiptNo));
      const status = page.locator("[data-status]");
      await expect(status).toHaveAttribute("data-status", code);
      if (code === "pending" || code === "overdue") await expect(status).toHaveAttribute("data-expected-date", /^\d{4}-\d{2}-\d{2}$/);
      else expect(await status.getAttribute("data-expected-date")).toBeNull();
    });
  }

  test("a tampered token shows the lookup form with the receipt filled in", async ({ page }) => {
    const token = tokenFor(demo.posted.receiptNo);
    await page.goto(`/r/${demo.posted.receiptNo}?t=${token.slice(0, -1)}${token.endsWith("A") ? "B" : "A"}`);
    await expect(page.locator("[data-status]")).toHaveCount(0);
    await expect(page.getByLabel("收据号")).toHaveValue(demo.posted.receiptNo);
  });

  test("another receipt's token unlocks nothing", async ({ page }) => {
    await page.goto(`/r/${demo.posted.receiptNo}?t=${tokenFor(demo.overdue.receiptNo)}`);
    await expect(page.locator("[data-status]")).toHaveCount(0);
  });

  test("the page never carries the payer's phone or full name", async ({ page }) => {
    const response = await page.goto(qrPath(demo.posted.receiptNo));
    const html = await response!.text();
    expect(html).toContain("张*");
    expect(html).not.toContain("张三");
    expect(html).not.toMatch(/1380000\d{4}/);
    expect(response!.headers()["cache-control"]).toContain("no-store");
    expect(response!.headers()["referrer-policy"]).toBe("same-origin");
  });
});

test.describe("language", () => {
  test.use({ locale: "en-US" });

  test("English browsers get English, and the switcher remembers Chinese", async ({ page }) => {
    await page.goto("/");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Check whether your payment has posted");
    await page.getByTestId("language-switcher").click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("查询缴费是否入账");
    await page.goto(qrPath(demo.overdue.receiptNo));
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("超过预计入账日期");
  });

  test("the status page reads in English", async ({ page }) => {
    await page.goto(qrPath(demo.amount_mismatch.receiptNo));
    await expect(page.locator("[data-status]")).toContainText("You paid the fee in force before");
  });
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("lookup, errors and language switch work as plain forms", async ({ page }) => {
    await lookUp(page, demo.overdue.receiptNo, "1,234.5");
    await expect(page.locator("[data-status]")).toHaveAttribute("data-status", "overdue");
    await lookUp(page, demo.overdue.receiptNo, "1");
    await expect(page.locator("[data-error]")).toHaveAttribute("data-error", "no_match");
    await page.getByTestId("language-switcher").click();
    await expect(page.locator("html")).toHaveAttribute("lang", "en");
  });
});

test("health endpoint", async ({ request }) => {
  const response = await request.get("/api/health");
  expect(response.status()).toBe(200);
  expect(await response.json()).toEqual({ status: "ok", db: "ok" });
});

test("a receipt's lookups are limited whoever asks, with when to retry", async ({ page }) => {
  const { receiptNo, amount } = demo.voided;
  for (let i = 0; i < 10; i++) {
    await page.setExtraHTTPHeaders({ "x-forwarded-for": `203.0.113.${i + 1}` });
    await lookUp(page, receiptNo, "1.00");
    await expect(page.locator("[data-error]")).toHaveAttribute("data-error", "no_match");
  }
  await page.setExtraHTTPHeaders({ "x-forwarded-for": "203.0.113.200" });
  await lookUp(page, receiptNo, amount);
  await expect(page.locator("[data-error]")).toHaveAttribute("data-error", "rate_limited");
  await expect(page.locator("[data-error]")).toContainText(/\d+ 分钟后再试/);
});

test.describe("small screens and large text", () => {
  for (const [name, path] of [
    ["lookup", "/"],
    ["status", qrPath(demo.amount_mismatch.receiptNo)],
  ]) {
    test(`${name} fits 360 px at 200 % text size without sideways scrolling`, async ({ page }) => {
      await page.goto(path!);
      await page.addStyleTag({ content: "html { font-size: 200% !important; }" });
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      await expect(page.locator("main")).toBeVisible();
    });
  }
});
