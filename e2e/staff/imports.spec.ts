import { expect, test } from "../test";

/** Browser import (issue 6): the admin uploads a statement, the CLI's engine loads it, the page shows the summary and keeps a record. */

test("an admin uploads a settlement statement and sees the summary; the import is listed", async ({ page, signedIn }) => {
  await signedIn("admin");
  await page.goto("/staff/imports");
  await page.getByLabel("文件内容").selectOption("settlements");
  await page.getByLabel("对账单格式").selectOption("csv");
  await page.locator("input[name=file]").setInputFiles("lib/statements/fixtures/settlements.csv");
  await page.getByRole("button", { name: "导入" }).click();
  await expect(page).toHaveURL(/\/staff\/imports\/\d+$/);
  await expect(page.locator("[data-import-status]")).toHaveAttribute("data-import-status", "done");
  // A fresh store imports it; a server reused from an earlier run has seen the same file (same hash) and says so.
  const summary = page.locator("[data-import-summary], [data-already-imported]");
  await expect(summary).toBeVisible();
  if (await page.locator("[data-import-summary]").count()) {
    await expect(page.locator("[data-count=read]")).not.toHaveText("0");
    await expect(page.locator("[data-rejected]")).toContainText(/第 \d+ 行/);
  }
  const runId = new URL(page.url()).pathname.split("/").pop()!;

  await page.getByRole("link", { name: "全部导入记录" }).click();
  await expect(page.locator(`[data-import-run="${runId}"]`)).toContainText("settlements.csv");
  await expect(page.locator(`[data-import-run="${runId}"] [data-import-status]`)).toHaveAttribute("data-import-status", "done");
});

test("imports are for administrators only", async ({ page, signedIn }) => {
  await signedIn("supervisor");
  await page.goto("/staff/imports");
  await expect(page.locator("[data-error=forbidden]")).toBeVisible();
  await expect(page.locator("input[name=file]")).toHaveCount(0);
});
