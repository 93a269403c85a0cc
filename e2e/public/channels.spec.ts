import { createServer, type Server } from "node:http";
import type { Browser, Page } from "@playwright/test";
import { DEMO_CHANNELS } from "@/db/seed/demo";
import { zonedParts } from "@/lib/dates";
import { acquirerSignature } from "@/lib/channels/acquirer";
import { signWechatNotification } from "@/lib/channels/wechat";
import { receiptHint } from "@/lib/posting-notice";
import { E2E_SMS_PORT } from "../../playwright.config";
import { E2E_CHANNEL_ENV, E2E_CHANNEL_PRIVATE } from "../channel-keys";
import { qrPath } from "../fixtures";
import { clientAddress, demoStaff, signIn } from "../staff/sign-in";
import { expect, test } from "../test";

/**
 * Issue 14 end to end, on a phone: a channel's signed notification arrives for a pending demo receipt →
 * the status page shows the confirmation on its next request → the resident subscribes → a bank
 * statement is imported at /staff/imports → the receipt shows `posted` and exactly one SMS notice
 * reaches the gateway (a sink on 127.0.0.1 standing in for it). Once with JavaScript (WeChat Pay),
 * once without (a POS acquirer).
 */

type Sms = { kind: string; text: string; dedupe_key: string };
const received: Sms[] = [];
let sink: Server;

test.beforeAll(async () => {
  sink = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
    req.on("end", () => {
      try {
        received.push(JSON.parse(body) as Sms);
      } catch {
        // not ours
      }
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => sink.listen(E2E_SMS_PORT, "127.0.0.1", resolve));
});
test.afterAll(async () => {
  await new Promise((resolve) => sink.close(resolve));
});

test.describe.configure({ mode: "serial" });

/** An administrator, in a browser of their own, imports the bank's statement line for the receipt. */
async function importStatement(browser: Browser, receiptNo: string, amount: string, channel: string) {
  const context = await browser.newContext({ extraHTTPHeaders: { "x-forwarded-for": clientAddress() } });
  const page = await context.newPage();
  await signIn(page, demoStaff("admin").email);
  await page.goto("/staff/imports");
  await page.getByLabel("文件内容").selectOption("settlements");
  await page.getByLabel("对账单格式").selectOption("csv");
  const today = zonedParts(new Date(), "Asia/Shanghai").date;
  const csv = `bank_ref,amount,value_date,channel,payer_account,remittance\nE2E-${receiptNo}-${Date.now()},${amount},${today},${channel},,缴费 ${receiptNo}\n`;
  await page.locator("input[name=file]").setInputFiles({ name: `statement-${receiptNo}.csv`, mimeType: "text/csv", buffer: Buffer.from(csv) });
  await page.getByRole("button", { name: "导入" }).click();
  await expect(page.locator("[data-import-status]")).toHaveAttribute("data-import-status", "done", { timeout: 30_000 });
  await expect(page.locator("[data-import-summary]")).toBeVisible();
  await context.close();
}

async function subscribeAndPost(page: Page, browser: Browser, receiptNo: string, amount: string, channel: string, mobile: string) {
  // The resident subscribes on the confirmed, still pending page…
  await page.getByLabel(/手机号码或电子邮箱/).fill(mobile);
  await page.getByRole("button", { name: "入账后通知我" }).click();
  await expect(page.locator("[data-subscribed=true]")).toBeVisible();
  await expect(page.locator("[data-status]")).toHaveAttribute("data-status", "pending");
  await expect(page.locator("body")).not.toContainText(mobile);

  // …the statement arrives…
  await importStatement(browser, receiptNo, amount, channel);
  await page.reload();
  await expect(page.locator("[data-status]")).toHaveAttribute("data-status", "posted");
  await expect(page.locator("[data-subscribe]")).toHaveCount(0);

  // …and exactly one notice reaches the SMS gateway (the in-process worker relays every 15 s).
  const hint = receiptHint(receiptNo);
  const mine = () => received.filter((m) => m.kind === "payment_posted" && m.text.includes(hint));
  await expect.poll(() => mine().length, { timeout: 45_000, intervals: [1000] }).toBe(1);
  expect(mine()[0]!.text).toMatch(/\/unsubscribe\/\d+\.[\w-]{22}/);
  await page.waitForTimeout(16_000); // one more worker pass: still one
  expect(mine()).toHaveLength(1);
}

test.describe("a payment channel confirms, the resident is told when it posts", () => {
  test.setTimeout(150_000);

  test("WeChat Pay, with JavaScript", async ({ page, request, browser }) => {
    const { receiptNo, amountFen, amount } = DEMO_CHANNELS.wechat;
    await page.goto(qrPath(receiptNo));
    await expect(page.locator("[data-status]")).toHaveAttribute("data-status", "pending");
    await expect(page.locator("[data-channel-confirmed]")).toHaveCount(0);

    const transactionId = `4200E2E${Date.now()}`;
    const notification = signWechatNotification(
      { out_trade_no: receiptNo, transaction_id: transactionId, trade_state: "SUCCESS", success_time: new Date().toISOString().replace(/\.\d+Z$/, "Z"), amount: { total: amountFen, payer_total: amountFen, currency: "CNY" } },
      { platformPrivateKey: E2E_CHANNEL_PRIVATE.wechat, apiV3Key: E2E_CHANNEL_ENV.WECHATPAY_APIV3_KEY },
      new Date(),
    );
    for (let i = 0; i < 2; i++) {
      const response = await request.post("/api/v1/channels/wechat/notify", { headers: notification.headers, data: notification.body });
      expect(response.status()).toBe(204);
    }

    await page.reload();
    const block = page.locator("[data-channel-confirmed]");
    await expect(block).toHaveAttribute("data-channel-confirmed", "wechat");
    await expect(block).toContainText("支付渠道已确认收到您的付款，请勿重复缴费");
    await expect(block.locator("[data-transaction-masked]")).toHaveText(`4200…${transactionId.slice(-4)}`);
    await expect(page.locator("[data-status]")).toHaveAttribute("data-status", "pending");
    await expect(page.locator("[data-report-link]")).toBeVisible();

    // A bad contact gets a clear message and changes nothing.
    await page.getByLabel(/手机号码或电子邮箱/).fill("12345");
    await page.getByRole("button", { name: "入账后通知我" }).click();
    await expect(page.locator("[data-error=invalid]")).toBeVisible();
    await expect(page.locator("[data-subscribed]")).toHaveCount(0);

    await subscribeAndPost(page, browser, receiptNo, amount, "wechat", "13900139024");
  });

  test.describe("without JavaScript", () => {
    test.use({ javaScriptEnabled: false });

    test("a POS acquirer", async ({ page, request, browser }) => {
      const { receiptNo, amount } = DEMO_CHANNELS.pos;
      const body = JSON.stringify({ transaction_id: `UPE2E${Date.now()}`, out_trade_no: receiptNo, amount, paid_at: new Date().toISOString(), terminal_id: "T0012" });
      const response = await request.post("/api/v1/channels/acquirer/notify", {
        headers: { "content-type": "application/json", "x-signature": acquirerSignature(E2E_CHANNEL_ENV.ACQUIRER_NOTIFY_SECRET, body) },
        data: body,
      });
      expect(response.status()).toBe(200);
      expect(await response.json()).toEqual({ result: "ok" });

      await page.goto(qrPath(receiptNo));
      await expect(page.locator("[data-status]")).toHaveAttribute("data-status", "pending");
      await expect(page.locator("[data-channel-confirmed]")).toHaveAttribute("data-channel-confirmed", "acquirer");
      await subscribeAndPost(page, browser, receiptNo, amount, "pos", "13900139025");
    });
  });

  test("a confirmation for a receipt the billing system never sent is a console exception", async ({ request, browser }) => {
    const order = `E2E${Date.now()}`;
    const notification = signWechatNotification(
      { out_trade_no: order, transaction_id: `4200${order}`, trade_state: "SUCCESS", success_time: new Date().toISOString().replace(/\.\d+Z$/, "Z"), amount: { total: 1200, payer_total: 1200 } },
      { platformPrivateKey: E2E_CHANNEL_PRIVATE.wechat, apiV3Key: E2E_CHANNEL_ENV.WECHATPAY_APIV3_KEY },
      new Date(),
    );
    expect((await request.post("/api/v1/channels/wechat/notify", { headers: notification.headers, data: notification.body })).status()).toBe(204);
    const context = await browser.newContext({ extraHTTPHeaders: { "x-forwarded-for": clientAddress() } });
    const staff = await context.newPage();
    await signIn(staff, demoStaff("supervisor").email);
    await staff.goto("/staff/exceptions");
    await expect(staff.locator("[data-queue=data_entry] [data-channel-exception=wechat]").filter({ hasText: order })).toBeVisible();
    await staff.goto("/staff/dashboard");
    await expect(staff.locator("[data-tile=confirmed-not-settled]")).toBeVisible();
    await context.close();
  });
});
