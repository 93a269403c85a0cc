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
    await expect(page.locator("[data-error]")).toContainText("收据号有误");
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
      await expect(page.locator("#field-receipt-error")).toHaveText(/\p{Script=Han}/u);
    });
  }

  test("200 characters posted past the fields' limits get a clear message, not an error page", async ({ page }) => {
    await page.goto("/");
    for (const name of ["receipt", "amount"]) await page.locator(`input[name=${name}]`).evaluate((el) => el.removeAttribute("maxlength"));
    await page.getByLabel("收据号").fill("9".repeat(200));
    await page.getByLabel("实付金额（元）").fill(`25${"0".repeat(198)}`);
    await page.getByRole("button", { name: "查询" }).click();
    await expect(page.locator("[data-error]")).toHaveAttribute("data-error", "invalid");
    await expect(page.locator("#field-receipt-error")).toHaveText(/\p{Script=Han}/u);
    await expect(page.locator("#field-amount-error")).toBeVisible();
  });

  test("the receipt number gets a numeric keypad too", async ({ page }) => {
    await page.goto("/");
    await expect(page.getByLabel("收据号")).toHaveAttribute("inputmode", "numeric");
  });

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

test.describe("bad input in English", () => {
  test.use({ locale: "en-US" });
  const r = demo.posted.receiptNo;
  const cases: [receipt: string, amount: string, code: string, field: "receipt" | "amount"][] = [
    ["", "", "invalid", "receipt"],
    ["😀", "25", "invalid", "receipt"],
    ["-", "25", "invalid", "receipt"],
    ["1' OR '1'='1", "25", "invalid", "receipt"],
    [r.slice(0, 15) + ((Number(r[15]) + 1) % 10), "25", "mistyped", "receipt"],
    [r, "-5", "invalid", "amount"],
    [r, "12.345", "invalid", "amount"],
    [r, "25; drop table receipts", "invalid", "amount"],
  ];
  for (const [receipt, amount, code, field] of cases) {
    test(`${JSON.stringify(receipt.slice(0, 12))} / ${JSON.stringify(amount)} → ${code}, said in English`, async ({ page }) => {
      await lookUp(page, receipt, amount);
      await expect(page.locator("[data-error]")).toHaveAttribute("data-error", code);
      for (const text of [page.locator("[data-error]"), page.locator(`#field-${field}-error`)]) {
        await expect(text).toHaveText(/[A-Za-z]{3}/);
        await expect(text).not.toHaveText(/\p{Script=Han}/u);
      }
    });
  }
});

test.describe("privacy on every status page", () => {
  const payers = ["张三", "李四", "王五", "赵六", "孙七", "周八", "吴九", "Jane Smith", "郑十", "钱十一"];
  for (const [code, { receiptNo }] of Object.entries(demo)) {
    test(`${code}: no phone, full name or account number in the HTML or the RSC payload; not cached; same-origin referrer`, async ({ page }) => {
      const response = await page.goto(qrPath(receiptNo));
      await expect(page.locator("[data-status]")).toHaveAttribute("data-status", code);
      const flight = await page.request.get(qrPath(receiptNo), { headers: { RSC: "1" } });
      expect(flight.headers()["content-type"]).toContain("text/x-component");
      for (const [kind, body] of [["html", await response!.text()], ["rsc", await flight.text()]] as const) {
        expect(body, kind).not.toMatch(/13[89]0000\d{4}/);
        expect(body, kind).not.toMatch(/6222\d{8,}/);
        for (const name of payers) expect(body, `${kind}: ${name}`).not.toContain(name);
      }
      for (const r of [response!, flight]) {
        expect(r.headers()["cache-control"]).toContain("no-store");
        expect(r.headers()["referrer-policy"]).toBe("same-origin");
      }
    });
  }
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
    ...Object.entries(demo).map(([code, { receiptNo }]) => [`status ${code}`, qrPath(receiptNo)]),
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

test("the lookup error state fits 360 px at 200 % text size", async ({ page }) => {
  await lookUp(page, demo.posted.receiptNo.slice(0, 15) + "0", "25");
  await expect(page.locator("[data-error]")).toBeVisible();
  await page.addStyleTag({ content: "html { font-size: 200% !important; }" });
  expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(0);
});
