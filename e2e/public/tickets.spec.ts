import { crc32 } from "node:zlib";
import type { Page } from "@playwright/test";
import { demo, PNG, qrPath, ROUTING_ROWS } from "../fixtures";
import { expect, test } from "../test";

const proof = { name: "bank-sms.png", mimeType: "image/png", buffer: PNG };

async function report(page: Page, receiptNo: string, category: string, options: { proof?: boolean; contact?: string } = {}) {
  await page.goto(`${qrPath(receiptNo).replace("?", "/ticket?")}`);
  await page.locator(`input[name=category][value=${category}]`).check();
  await page.getByLabel(/问题说明|What happened/).fill("我已付款，请帮我查一下。");
  await page.getByLabel(/^联系方式$|^Contact$/).fill(options.contact ?? "13800138000");
  if (options.proof) await page.locator("input[name=proof]").setInputFiles([proof]);
  await page.getByRole("button", { name: /^(提交申请|上传付款凭证并提交|Send request|Upload proof and send)$/ }).click();
}


test.describe("report a problem: SPEC §2.3 routing", () => {
  for (const [status, category, withProof, queue, ticketStatus] of ROUTING_ROWS) {
    test(`${status} + ${category} → ${queue} (${ticketStatus})`, async ({ page }) => {
      await report(page, demo[status].receiptNo, category, { proof: withProof });
      await expect(page).toHaveURL(/\/t\/T-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
      const state = page.locator("[data-ticket-status]");
      await expect(state).toHaveAttribute("data-ticket-status", ticketStatus);
      await expect(state).toHaveAttribute("data-queue", queue);
      await expect(page.getByTestId("private-link")).toBeVisible();
      if (withProof) await expect(page.getByRole("link", { name: /附件 1|Attachment 1/ })).toBeVisible();
    });
  }

  test("a posted payment gets the answer, not a ticket", async ({ page }) => {
    await report(page, demo.posted.receiptNo, "not_posted");
    await expect(page.locator("[data-outcome]")).toHaveAttribute("data-outcome", "answer_posted");
    await expect(page).toHaveURL(/\/ticket/);
  });

  test("awaiting the bank: come back later, no form", async ({ page }) => {
    await page.goto(qrPath(demo.awaiting_bank.receiptNo).replace("?", "/ticket?"));
    await expect(page.locator("[data-status]")).toHaveAttribute("data-status", "awaiting_bank");
    await expect(page.locator("form input[name=category]")).toHaveCount(0);
  });

  test("no record and no proof: asked for proof, nothing created", async ({ page }) => {
    await report(page, demo.unpaid.receiptNo, "other");
    await expect(page.locator("[data-error]")).toHaveAttribute("data-error", "needs_proof");
  });

  test("without access to the receipt there is no form", async ({ page }) => {
    await page.goto(`/r/${demo.overdue.receiptNo}/ticket`);
    await expect(page).toHaveURL(`/r/${demo.overdue.receiptNo}`);
    await expect(page.getByLabel("收据号")).toHaveValue(demo.overdue.receiptNo);
  });

  test("bad input gets clear messages and changes nothing", async ({ page }) => {
    await page.goto(qrPath(demo.overdue.receiptNo).replace("?", "/ticket?"));
    await page.getByRole("button", { name: /^(提交申请|上传付款凭证并提交|Send request|Upload proof and send)$/ }).click();
    await expect(page.locator("[data-error]")).toHaveAttribute("data-error", "invalid");
    await expect(page.locator("#field-category-error")).toBeVisible();
    await expect(page.locator("#field-description-error")).toBeVisible();
    await expect(page.locator("#field-contact-error")).toBeVisible();
  });

  test("a hostile file is refused with a clear message", async ({ page }) => {
    await page.goto(qrPath(demo.unpaid.receiptNo).replace("?", "/ticket?"));
    await page.locator("input[name=category][value=duplicate_charge]").check();
    await page.getByLabel("问题说明").fill("见附件");
    await page.getByLabel("联系方式").fill("someone@example.cn");
    await page.locator("input[name=proof]").setInputFiles([{ name: "receipt.png", mimeType: "image/png", buffer: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>') }]);
    await page.getByRole("button", { name: /^(提交申请|上传付款凭证并提交|Send request|Upload proof and send)$/ }).click();
    await expect(page.locator("#field-proof-error")).toContainText("JPG");
  });
});

// The hostile corpus of issue 5 through the real form (app/(public)/ticket-actions.test.ts proves nothing is stored).
const u32 = (n: number) => Buffer.from([n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255]);
const pngChunk = (type: string, data: Buffer) => {
  const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
  return Buffer.concat([u32(data.length), body, u32(crc32(body))]);
};
const hostileFiles: [name: string, file: { name: string; mimeType: string; buffer: Buffer }, zh: RegExp, en: RegExp][] = [
  ["an empty file", { name: "receipt.png", mimeType: "image/png", buffer: Buffer.alloc(0) }, /空的/, /empty/],
  ["HTML renamed .jpg", { name: "receipt.jpg", mimeType: "image/jpeg", buffer: Buffer.from("<!doctype html><script>alert(1)</script>") }, /JPG、PNG/, /JPG or PNG/],
  ["PNG magic followed by script", { name: "receipt.png", mimeType: "image/png", buffer: Buffer.concat([PNG.subarray(0, 8), Buffer.from("<script>alert(1)</script>".repeat(20))]) }, /无法读取/, /cannot be read/],
  ["an executable named .pdf", { name: "invoice.pdf", mimeType: "application/pdf", buffer: Buffer.concat([Buffer.from("MZ\x90\x00", "latin1"), Buffer.alloc(200)]) }, /JPG、PNG/, /JPG or PNG/],
  [
    "a PNG declaring 40000×40000 pixels",
    {
      name: "huge.png",
      mimeType: "image/png",
      buffer: Buffer.concat([PNG.subarray(0, 8), pngChunk("IHDR", Buffer.concat([u32(40_000), u32(40_000), Buffer.from([8, 2, 0, 0, 0])])), pngChunk("IDAT", Buffer.from([0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01])), pngChunk("IEND", Buffer.alloc(0))]),
    },
    /像素过多/,
    /too many pixels/,
  ],
  ["a 12 MB file", { name: "scan.jpg", mimeType: "image/jpeg", buffer: Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(12 * 1024 * 1024)]) }, /10 MB/, /10 MB/],
];

for (const locale of ["zh-CN", "en-US"] as const) {
  test.describe(`hostile proofs (${locale})`, () => {
    test.use({ locale });
    for (const [name, file, zh, en] of hostileFiles) {
      test(`${name} is refused with a clear message and no ticket`, async ({ page }) => {
        await page.goto(qrPath(demo.unpaid.receiptNo).replace("?", "/ticket?"));
        await page.locator("input[name=category][value=duplicate_charge]").check();
        await page.getByLabel(/问题说明|What happened/).fill("见附件");
        await page.getByLabel(/^联系方式$|^Contact$/).fill("someone@example.cn");
        await page.locator("input[name=proof]").setInputFiles([file]);
        await page.getByRole("button", { name: /^(提交申请|上传付款凭证并提交|Send request|Upload proof and send)$/ }).click();
        await expect(page.locator("#field-proof-error")).toHaveText(locale === "zh-CN" ? zh : en);
        await expect(page.locator("[data-error]")).toHaveAttribute("data-error", "invalid");
        await expect(page).toHaveURL(/\/ticket\?t=/);
        await expect(page.locator("[data-ticket-status]")).toHaveCount(0);
      });
    }
  });
}

test.describe("one ticket per problem", () => {
  test.use({ javaScriptEnabled: false });

  test("a double submission makes one ticket; a second form for the same problem finds it", async ({ page }, testInfo) => {
    // A retry would find the first attempt's ticket, so it reports on another receipt.
    const { receiptNo } = testInfo.retry === 0 ? demo.overdue : demo.duplicate;
    await page.goto(qrPath(receiptNo).replace("?", "/ticket?"));
    await page.locator("input[name=category][value=other]").check();
    await page.getByLabel("问题说明").fill("第一次提交");
    await page.getByLabel("联系方式").fill("13800138001");

    // Post the filled form twice at once, as a double click without JavaScript does.
    const form = page.locator("form").filter({ has: page.locator("input[name=idempotency_key]") });
    const fields = await form.evaluate((f: HTMLFormElement) =>
      [...new FormData(f)].flatMap(([name, value]) => (typeof value === "string" ? [[name, value] as const] : [])),
    );
    const action = new URL((await form.getAttribute("action")) || page.url(), page.url()).toString();
    const post = () =>
      page.request.post(action, { multipart: Object.fromEntries(fields), headers: { origin: new URL(page.url()).origin }, maxRedirects: 0 });
    const [first, second] = await Promise.all([post(), post()]);
    expect([first.status(), second.status()]).toEqual([303, 303]);
    expect(first.headers()["location"]).toMatch(/\/t\/T-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    expect(second.headers()["location"]).toBe(first.headers()["location"]);
    const ref = first.headers()["location"]!.split("/t/")[1]!;

    await report(page, receiptNo, "other");
    await expect(page.locator("[data-outcome]")).toHaveAttribute("data-outcome", "existing");
    await expect(page.locator("[data-outcome]")).toContainText(ref);
  });

  test("proof uploads work as a plain multipart form", async ({ page }) => {
    await report(page, demo.unpaid.receiptNo, "locked", { proof: true });
    await expect(page.locator("[data-ticket-status]")).toHaveAttribute("data-queue", "data_entry");
    const download = await page.request.get(await page.getByRole("link", { name: "附件 1" }).getAttribute("href").then((h) => h!));
    expect(download.headers()["content-disposition"]).toMatch(/^attachment;/);
    expect(download.headers()["x-content-type-options"]).toBe("nosniff");
    expect((await download.body()).subarray(1, 4).toString()).toBe("PNG");
  });
});

test("the private link opens the ticket in a fresh browser and leaves a clean URL", async ({ page, browser }) => {
  await report(page, demo.refunded.receiptNo, "duplicate_charge", { contact: "resident@example.cn" });
  const link = await page.getByTestId("private-link").textContent();
  const ref = page.url().split("/t/")[1]!;
  const fresh = await browser.newContext();
  try {
    const other = await fresh.newPage();
    await other.goto(new URL(`/t/${ref}`, page.url()).toString());
    await expect(other.locator("[data-ticket-status]")).toHaveCount(0);
    await other.goto(link!.replace(/^https?:\/\/[^/]+/, new URL(page.url()).origin));
    await expect(other).toHaveURL(new RegExp(`/t/${ref}$`));
    await expect(other.locator("[data-ticket-status]")).toHaveAttribute("data-ticket-status", "open");
    expect(other.url()).not.toContain("k=");
    await expect(other.getByTestId("private-link")).toHaveCount(0);
  } finally {
    await fresh.close();
  }
});
