import { expect, test } from "../test";

/**
 * Issue 16: finance tunes the matching rules and sees a dry run first. Only the dry run is exercised
 * here (the demo database is shared by every spec): it shows the figures and the apply button, and
 * the stored rules are still the defaults afterwards.
 */
for (const locale of ["zh-CN", "en-US"] as const) {
  test(`a supervisor tries a wider date window and sees what would change (${locale})`, async ({ page, signedIn }) => {
    await page.context().setExtraHTTPHeaders({ "accept-language": locale });
    await signedIn("supervisor");
    await page.goto("/staff/match-rules");
    const amountDate = page.locator("[data-rule=amount_date]");
    await expect(amountDate.locator("input[name=position_amount_date]")).toHaveValue("3");
    await expect(amountDate.locator("input[name=window_amount_date]")).toHaveValue("");
    await amountDate.locator("input[name=window_amount_date]").fill("10");
    await expect(amountDate.locator("input[name=tolerance_amount_date]")).toHaveValue("");
    await amountDate.locator("input[name=tolerance_amount_date]").fill("0.05");
    await amountDate.locator("input[name=require_payer_account_amount_date]").check();
    // The console speaks the staff member's language whatever the browser asks, so the buttons are found by their form.
    await page.locator("[data-match-rules-form] button[type=submit]").click();

    const dry = page.locator("[data-dry-run]");
    await expect(dry).toBeVisible();
    for (const kind of ["appear", "disappear", "change"]) await expect(dry.locator(`[data-count=${kind}]`)).toHaveText(/^\d+$/);
    await expect(dry.locator("[data-exceptions]")).toHaveAttribute("data-exceptions", /^\d+:\d+$/);
    await expect(dry.locator("button[type=submit]")).toBeVisible();
    // The form keeps what was tried; the store does not.
    await expect(amountDate.locator("input[name=window_amount_date]")).toHaveValue("10");
    await expect(amountDate.locator("input[name=tolerance_amount_date]")).toHaveValue("0.05");
    await expect(amountDate.locator("input[name=require_payer_account_amount_date]")).toBeChecked();
    // The apply form carries exactly what was tried.
    await expect(dry.locator("input[type=hidden][name=tolerance_amount_date]")).toHaveValue("0.05");
    await page.goto("/staff/match-rules");
    await expect(page.locator("[data-rule=amount_date] input[name=window_amount_date]")).toHaveValue("");

    // A bad window is refused with a sentence, and nothing is tried.
    await page.goto("/staff/match-rules?dry=1&position_reference=1&position_remittance=2&position_amount_date=3&window_amount_date=99");
    await expect(page.locator("[data-error=invalid]")).toBeVisible();
    await expect(page.locator("[data-dry-run]")).toHaveCount(0);

    // So is a tolerance past 100.00 yuan, under its own field.
    await page.goto("/staff/match-rules?dry=1&position_reference=1&position_remittance=2&position_amount_date=3&tolerance_amount_date=100.01");
    await expect(page.locator("[data-error=invalid]")).toBeVisible();
    await expect(page.locator("[data-field-error=tolerance_amount_date]")).toBeVisible();
    await expect(page.locator("input[name=tolerance_amount_date]")).toHaveAttribute("aria-invalid", "true");
    await expect(page.locator("[data-dry-run]")).toHaveCount(0);
  });
}

test("a supervisor tries a new fee rule version and sees what would change, with nothing stored", async ({ page, signedIn }) => {
  await signedIn("supervisor");
  await page.goto("/staff/match-rules");
  await page.locator("[data-fee-rules-link]").click();
  await expect(page.locator("[data-fee-rules] [data-fee-rule^='pos:']").first()).toBeVisible();
  // A start far ahead (later on every run) changes no match of the shared demo database.
  const day = new Date(Date.UTC(2030, 0, 1) + Math.floor(Date.now() / 1_800_000) * 86_400_000).toISOString().slice(0, 10);
  const form = page.locator("[data-fee-rule-form]");
  await form.locator("select[name=channel]").selectOption("cash");
  await form.locator("input[name=effective_from]").fill(day);
  await form.locator("input[name=rate]").fill("30");
  await form.locator("button[type=submit]").click();
  const dry = page.locator("[data-dry-run]");
  await expect(dry).toBeVisible();
  for (const kind of ["appear", "disappear", "change"]) await expect(dry.locator(`[data-count=${kind}]`)).toHaveText(/^\d+$/);
  await expect(dry.locator("[data-exceptions]")).toHaveAttribute("data-exceptions", /^\d+:\d+$/);
  await expect(dry.locator("button[type=submit]")).toBeVisible();
  // Nothing stored by trying (applying is left to the DB tests: the demo store is shared by every spec).
  await page.goto("/staff/match-rules/fees");
  await expect(page.locator(`[data-fee-rule='cash:${day}']`)).toHaveCount(0);
  // A start on a version the channel has is refused: history is not rewritten.
  await page.goto("/staff/match-rules/fees?dry=1&channel=pos&effective_from=2026-01-01&rate=30&rate_unit=bp&rounding=half_up&applies_to=transaction");
  await expect(page.locator("[data-error=invalid]")).toBeVisible();
  await expect(page.locator("[data-dry-run]")).toHaveCount(0);
});
