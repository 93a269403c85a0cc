import { randomInt } from "node:crypto";
import type { Page } from "@playwright/test";
import { createCalendar } from "@/lib/calendar";
import { expectedPostingDate } from "@/lib/posting-date";
import { withLuhnDigit } from "@/lib/receipt-number";
import { qrPath } from "../fixtures";
import { expect, test } from "../test";

/**
 * Issue 4: every SPEC §2.1 status is reachable from imported files, not only from the demo
 * seed. An admin imports a billing file and a statement through /staff/imports; each
 * receipt's status page (opened from its QR link on a phone) carries the right
 * data-status, and data-expected-date for pending and overdue.
 */
test.use({ viewport: { width: 360, height: 740 } });

const prefix = `2026${String(randomInt(100, 999))}${String(randomInt(0, 1e6)).padStart(6, "0")}`;
const no = (n: number) => withLuhnDigit(`${prefix}${String(n).padStart(2, "0")}`);
const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000);
/** ISO 8601 with the service zone's offset, as the billing system writes it. */
const shanghai = (d: Date) => `${new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 19)}+08:00`;

const pendingPaid = minutesAgo(2);
type Row = { n: number; status: string; due: string; paid: string; channel: string; paidAt: string; billing: string; expectedDate?: string };
const rows: Row[] = [
  { n: 1, status: "posted", due: "31.17", paid: "31.17", channel: "wechat", paidAt: "2026-11-02T10:00:00+08:00", billing: "paid" },
  {
    n: 2,
    status: "pending",
    due: "380.00",
    paid: "380.00",
    channel: "online_bank",
    paidAt: shanghai(pendingPaid),
    billing: "paid",
    expectedDate: expectedPostingDate(pendingPaid, { lagDays: 1, cutoff: "17:00" }, createCalendar(), "Asia/Shanghai"),
  },
  { n: 3, status: "awaiting_bank", due: "380.00", paid: "380.00", channel: "pos", paidAt: shanghai(minutesAgo(1)), billing: "sent_to_bank" },
  // SPEC §2.1's own example: paid Wednesday 2026-09-30 18:00 by online banking → expected 2026-10-09.
  { n: 4, status: "overdue", due: "1,234.50", paid: "1,234.50", channel: "online_bank", paidAt: "2026-09-30T18:00:00+08:00", billing: "paid", expectedDate: "2026-10-09" },
  { n: 5, status: "amount_mismatch", due: "31.17", paid: "26.17", channel: "alipay", paidAt: "2026-11-02T10:00:00+08:00", billing: "paid" },
  { n: 6, status: "duplicate", due: "31.17", paid: "31.17", channel: "counter", paidAt: "2026-11-02T10:00:00+08:00", billing: "paid" },
  { n: 7, status: "refund_pending", due: "50.00", paid: "50.00", channel: "wechat", paidAt: "2026-11-02T10:00:00+08:00", billing: "refund_pending" },
  { n: 8, status: "refunded", due: "50.00", paid: "50.00", channel: "alipay", paidAt: "2026-11-02T10:00:00+08:00", billing: "refunded" },
  { n: 9, status: "unpaid", due: "88.00", paid: "", channel: "counter", paidAt: "", billing: "unpaid" },
  { n: 10, status: "voided", due: "25.00", paid: "25.00", channel: "wechat", paidAt: "2026-11-02T10:00:00+08:00", billing: "voided" },
];

// Amounts no other test or fixture uses: the shared store holds unmatched lines (e.g. the imports test's
// 25.00 WeChat line of 2026-11-04) that amount-and-date matching would otherwise pair with these receipts.
const receiptsCsv = [
  "receipt_no,service,payer_name,payer_phone,amount_due,amount_paid,channel,paid_at,bank_ref,billing_status",
  ...rows.map((r) => [no(r.n), "hukou", "导入测试", "13900001111", `"${r.due}"`, `"${r.paid}"`, r.channel, r.paidAt, `E2E-${no(r.n)}`, r.billing].join(",")),
].join("\n");
const statementCsv = [
  "bank_ref,amount,value_date,channel,payer_account,remittance",
  `E2E-${no(1)},31.17,2026-11-03,wechat,,`,
  `E2E-${no(5)},26.17,2026-11-03,alipay,,`,
  `E2E-${no(6)},31.17,2026-11-03,counter,,`,
  `E2E-${no(6)},31.17,2026-11-04,counter,6222000011112222,`,
].join("\n");

async function upload(page: Page, kind: "receipts" | "settlements", name: string, content: string) {
  await page.goto("/staff/imports");
  await page.getByLabel("文件内容").selectOption(kind);
  if (kind === "settlements") await page.getByLabel("对账单格式").selectOption("csv");
  await page.locator("input[name=file]").setInputFiles({ name, mimeType: "text/csv", buffer: Buffer.from(`${content}\n`) });
  await page.getByRole("button", { name: "导入" }).click();
  await expect(page).toHaveURL(/\/staff\/imports\/\d+$/);
  await expect(page.locator("[data-import-status]")).toHaveAttribute("data-import-status", "done");
}

test("receipts and a statement imported by an admin reach every status, with the expected date shown", async ({ page, browser, signedIn }) => {
  test.slow();
  await signedIn("admin");
  await upload(page, "receipts", `receipts-${prefix}.csv`, receiptsCsv);
  await upload(page, "settlements", `statement-${prefix}.csv`, statementCsv);

  const resident = await (await browser.newContext({ locale: "zh-CN", viewport: { width: 360, height: 740 } })).newPage();
  try {
    for (const r of rows) {
      await resident.goto(qrPath(no(r.n)));
      const status = resident.locator("[data-status]");
      await expect(status, r.status).toHaveAttribute("data-status", r.status);
      if (r.expectedDate) await expect(status, r.status).toHaveAttribute("data-expected-date", r.expectedDate);
      else expect(await status.getAttribute("data-expected-date"), r.status).toBeNull();
    }
    // A valid number the billing system has not sent: its QR link says so.
    await resident.goto(qrPath(no(99)));
    await expect(resident.locator("[data-status]")).toHaveAttribute("data-status", "not_found");
  } finally {
    await resident.context().close();
  }
});
