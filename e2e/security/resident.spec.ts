import { zhCN } from "@/lib/i18n/zh-CN";
import { demo, qrPath } from "../fixtures";
import { expect, test } from "../test";
import { errorCode, postForm, randomClient, renderedForm } from "./helpers";

/** Issue 12, findings 7 and 10, against the production build. */

test("finding 7: replaying someone's form key hands over nothing and leaves the owner's secret working", async ({ browser }) => {
  const owner = await browser.newContext({ locale: "zh-CN", extraHTTPHeaders: { "x-forwarded-for": randomClient() } });
  const attacker = await browser.newContext({ locale: "zh-CN", extraHTTPHeaders: { "x-forwarded-for": randomClient() } });
  try {
    const page = await owner.newPage();
    await page.goto(qrPath(demo.pending.receiptNo).replace("?", "/ticket?"));
    const form = await renderedForm(page, page.locator("form").filter({ has: page.locator("input[name=idempotency_key]") }));
    const fields = { category: "info_change", description: "姓名写错了", contact: "owner@example.cn" };
    const first = await postForm(page.request, form, fields);
    expect(first.status()).toBe(303);
    const ticketPath = first.headers()["location"]!;
    expect(ticketPath).toMatch(/^\/t\/T-[0-9A-Z]{4}-[0-9A-Z]{4}$/);

    // The attacker has the key (a shared computer, a leaked page) and the QR link of another receipt.
    const other = await attacker.newPage();
    await other.goto(qrPath(demo.overdue.receiptNo).replace("?", "/ticket?"));
    const theirs = await renderedForm(other, other.locator("form").filter({ has: other.locator("input[name=idempotency_key]") }));
    const key = form.fields.find(([n]) => n === "idempotency_key")![1];
    for (const change of [{ ...fields, idempotency_key: key }, { ...fields, category: "not_posted", idempotency_key: key }]) {
      const replay = await postForm(other.request, theirs, change);
      expect(replay.status()).toBe(200);
      expect(errorCode(await replay.text())).toBe("stale_form");
    }
    // Same receipt, other category, with the owner's own form: refused too.
    const sideways = await postForm(other.request, form, { ...fields, category: "other" });
    expect(errorCode(await sideways.text())).toBe("stale_form");
    await other.goto(ticketPath);
    await expect(other.locator("[data-ticket-status]")).toHaveCount(0);

    // The owner's double tap still lands on the ticket, and the owner's secret still opens it.
    const again = await postForm(page.request, form, fields);
    expect(again.status()).toBe(303);
    expect(again.headers()["location"]).toBe(ticketPath);
    await page.goto(ticketPath);
    await expect(page.locator("[data-ticket-status]")).toHaveAttribute("data-ticket-status", "open");
  } finally {
    await owner.close();
    await attacker.close();
  }
});

test("finding 10 (decided: kept): a receipt's amount lookups are limited for everyone, and its QR link still works", async ({ page }) => {
  const { receiptNo, amount } = demo.refund_pending;
  await page.goto("/");
  const form = await renderedForm(page, page.locator("form").filter({ has: page.locator("input[name=receipt]") }));
  // Ten wrong amounts from ten clients spend the receipt's budget…
  for (let i = 0; i < 10; i++) expect(errorCode(await (await postForm(page.request, form, { receipt: receiptNo, amount: "1.00" })).text())).toBe("no_match");
  // …so the real resident typing the right amount is told to wait, and pointed at the QR code…
  const html = await (await postForm(page.request, form, { receipt: receiptNo, amount })).text();
  expect(errorCode(html)).toBe("rate_limited");
  expect(html).toContain(zhCN.errors.rate_limited.split("{minutes}")[1]!);
  // …which opens the status at once: the limit guards amount guessing, not the receipt.
  await page.goto(qrPath(receiptNo));
  await expect(page.locator("[data-status]")).toHaveAttribute("data-status", "refund_pending");
});
