import type { Page } from "@playwright/test";
import { demo, PNG, qrPath, ROUTING_ROWS } from "../fixtures";
import { expect, test } from "../test";
import { clientAddress } from "./sign-in";

/**
 * Issue 5: a ticket opened for each SPEC §2.3 routing row shows up in the right staff
 * queue (the supervisor's queue page, filtered by the ticket's status and category).
 * Other tests open tickets on the same receipts; a second report of the same problem
 * returns the open one ("existing", with its reference), which is the ticket to find.
 */

// Every SPEC row, and one more: a change of details on a payment that has not posted.
const rows: typeof ROUTING_ROWS = [...ROUTING_ROWS, ["overdue", "info_change", false, "records", "open"]];

async function reportAndGetRef(page: Page, receiptNo: string, category: string, proof: boolean): Promise<string> {
  // Residents may open 10 tickets an hour from one address: each report here comes from its own.
  await page.setExtraHTTPHeaders({ "x-forwarded-for": clientAddress() });
  await page.goto(qrPath(receiptNo).replace("?", "/ticket?"));
  await page.locator(`input[name=category][value=${category}]`).check();
  await page.getByLabel("问题说明").fill("付款后一直没有入账。");
  await page.getByLabel(/^联系方式$/).fill("13800138000");
  if (proof) await page.locator("input[name=proof]").setInputFiles([{ name: "bank-sms.png", mimeType: "image/png", buffer: PNG }]);
  await page.getByRole("button", { name: /^(提交申请|上传付款凭证并提交|Send request|Upload proof and send)$/ }).click();
  const created = page.locator("[data-ticket-status]");
  const existing = page.locator("[data-outcome=existing]");
  await expect(created.or(existing)).toBeVisible();
  if (await created.count()) return page.url().split("/t/")[1]!;
  return (await existing.textContent())!.match(/T-[0-9A-Z]{4}-[0-9A-Z]{4}/)![0];
}

test("a ticket for each routing row is in its staff queue", async ({ page, staffPage }) => {
  test.slow();
  const refs: [ref: string, queue: string, ticketStatus: string, category: string][] = [];
  for (const [status, category, proof, queue, ticketStatus] of rows) {
    refs.push([await reportAndGetRef(page, demo[status].receiptNo, category, proof), queue, ticketStatus, category]);
  }

  const staff = await staffPage("supervisor");
  for (const [ref, queue, ticketStatus, category] of refs) {
    await staff.goto(`/staff/queues/${queue}?status=${ticketStatus}&category=${category}&assigned=any`);
    const row = staff.locator(`[data-ticket-row="${ref}"]`);
    await expect(row, `${ref} in ${queue}`).toBeVisible();
    await expect(row.locator("[data-ticket-status]")).toHaveAttribute("data-ticket-status", ticketStatus);
  }
});
