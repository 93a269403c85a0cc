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
    // The console speaks the staff member's language whatever the browser asks, so the buttons are found by their form.
    await page.locator("[data-match-rules-form] button[type=submit]").click();

    const dry = page.locator("[data-dry-run]");
    await expect(dry).toBeVisible();
    for (const kind of ["appear", "disappear", "change"]) await expect(dry.locator(`[data-count=${kind}]`)).toHaveText(/^\d+$/);
    await expect(dry.locator("[data-exceptions]")).toHaveAttribute("data-exceptions", /^\d+:\d+$/);
    await expect(dry.locator("button[type=submit]")).toBeVisible();
    // The form keeps what was tried; the store does not.
    await expect(amountDate.locator("input[name=window_amount_date]")).toHaveValue("10");
    await page.goto("/staff/match-rules");
    await expect(page.locator("[data-rule=amount_date] input[name=window_amount_date]")).toHaveValue("");

    // A bad window is refused with a sentence, and nothing is tried.
    await page.goto("/staff/match-rules?dry=1&position_reference=1&position_remittance=2&position_amount_date=3&window_amount_date=99");
    await expect(page.locator("[data-error=invalid]")).toBeVisible();
    await expect(page.locator("[data-dry-run]")).toHaveCount(0);
  });
}
