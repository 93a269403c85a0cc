import { demo, qrPath } from "../fixtures";
import { expect, test } from "../test";
import { clientAddress } from "./sign-in";

/**
 * The ticket desk end to end (issue 6): a resident reports a problem, an
 * agent of that queue takes it, asks for information, sees the answer and
 * resolves it; a form rendered before someone else acted is refused; an agent
 * of other queues cannot open it.
 *
 * Other tests open tickets on the demo receipts too (one open ticket per
 * receipt and category), so this one uses overdue + a category nobody else
 * reports on it, a different one on each retry (or repetition), and acts on its own ticket by
 * reference rather than through "next ticket".
 */
const CATEGORIES = ["locked", "wrong_amount", "duplicate_charge"] as const;


test("an agent takes a resident's ticket, asks for information, sees the reply and resolves; stale forms and other queues are refused", async ({ page, browser, staffPage }, testInfo) => {
  test.slow(); // three browsers and a dozen round trips on a shared CI machine
  // The resident reports a late payment: routed to bank_liaison.
  await page.goto(qrPath(demo.overdue.receiptNo).replace("?", "/ticket?"));
  await page.locator(`input[name=category][value=${CATEGORIES[(testInfo.retry + testInfo.repeatEachIndex) % CATEGORIES.length]}]`).check();
  await page.getByLabel("问题说明").fill("付款后一直没有入账。");
  await page.getByLabel(/^联系方式$/).fill("resident-e2e@example.cn");
  await page.getByRole("button", { name: /^(提交申请|上传付款凭证并提交|Send request|Upload proof and send)$/ }).click();
  await expect(page).toHaveURL(/\/t\/T-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
  const ref = page.url().split("/t/")[1]!;
  const privateLink = (await page.getByTestId("private-link").textContent())!;

  // The agent of bank_liaison opens it: the resident's details unmasked, and takes it.
  const agent = await staffPage("agent");
  await agent.goto(`/staff/tickets/${ref}`);
  const status = agent.locator("dd[data-ticket-status]");
  await expect(status).toHaveAttribute("data-ticket-status", "open");
  await expect(agent.locator("[data-payer-contact]")).toHaveText("resident-e2e@example.cn");
  await expect(agent.locator("[data-payer-name]")).toHaveText("赵六");
  await expect(agent.locator("[data-status]")).toHaveAttribute("data-status", "overdue");
  await expect(agent.getByTestId("prepare-correction")).toHaveAttribute("href", `/staff/corrections/new?ticket=${ref}`);
  // (The other test's "next ticket" may have given it to this agent already.)
  const claim = agent.locator("[data-action=claim]");
  if (await claim.count()) await claim.click();
  await expect(agent.locator("dd[data-assignee]")).toHaveAttribute("data-assignee", /^\d+$/);
  await expect(agent.locator("[data-action=claim]")).toHaveCount(0);
  const version = await agent.locator("[data-version]").getAttribute("data-version");

  // A second tab rendered now will be out of date after the next action.
  const staleTab = await agent.context().newPage();
  await staleTab.goto(`/staff/tickets/${ref}`);
  await expect(staleTab.locator("[data-version]")).toHaveAttribute("data-version", version!);

  await agent.locator("#ask-info-body").fill("请上传银行扣款短信截图。");
  await agent.locator("[data-action=ask_info]").click();
  await expect(status).toHaveAttribute("data-ticket-status", "waiting_on_payer");
  await expect(agent.locator("[data-sla]")).toHaveAttribute("data-sla", "paused");

  // The stale tab tries to resolve: refused, nothing changes.
  await staleTab.locator("[data-action=resolve]").click();
  await expect(staleTab.locator("[data-error=stale]")).toBeVisible();
  await agent.reload();
  await expect(status).toHaveAttribute("data-ticket-status", "waiting_on_payer");

  // The resident answers through the private link, in a fresh browser.
  const residentContext = await browser.newContext({ locale: "zh-CN", extraHTTPHeaders: { "x-forwarded-for": clientAddress() } });
  const resident = await residentContext.newPage();
  await resident.goto(privateLink);
  await expect(resident.locator("[data-ticket-status]")).toHaveAttribute("data-ticket-status", "waiting_on_payer");
  await resident.getByLabel("回复").fill("截图已上传，扣款时间是上周一。");
  await resident.getByRole("button", { name: "发送" }).click();
  await expect(resident.locator("[data-ticket-status]")).toHaveAttribute("data-ticket-status", "open");

  // The agent sees the reply and resolves.
  await agent.reload();
  await expect(status).toHaveAttribute("data-ticket-status", "open");
  await expect(agent.locator("[data-event=resident_reply]")).toContainText("截图已上传");
  await agent.locator("#resolve-body").fill("已与银行核实，款项已入账。");
  await agent.locator("[data-action=resolve]").click();
  await expect(status).toHaveAttribute("data-ticket-status", "resolved");

  // An agent of other queues (refunds, finance) cannot open it.
  const clerk = await staffPage("clerk");
  await clerk.goto(`/staff/tickets/${ref}`);
  await expect(clerk.locator("[data-error=not_found]")).toBeVisible();
  await expect(clerk.locator("[data-payer-contact]")).toHaveCount(0);

  await Promise.all([agent.context().close(), residentContext.close(), clerk.context().close()]);
});

test("the console home counts the agent's queues, the queue page lists and pages them, and next ticket opens one", async ({ staffPage }) => {
  test.slow();
  const agent = await staffPage("agent");
  const rows = agent.locator("[data-testid=queue-counts] tbody tr");
  await expect(rows).toHaveCount(2);
  await expect(agent.locator("[data-queue=bank_liaison]")).toBeVisible();
  await expect(agent.locator("[data-queue=refunds]")).toHaveCount(0);
  await agent.locator("[data-queue=bank_liaison] a").click();
  await expect(agent).toHaveURL(/\/staff\/queues\/bank_liaison$/);
  await expect(agent.locator("h1")).toContainText("银行对接");
  await agent.goto("/staff/queues/refunds");
  await expect(agent.locator("[data-error=forbidden]")).toBeVisible();

  // Next ticket: opens a ticket of the agent's queues, now theirs (or says there is none left).
  await agent.goto("/staff");
  await agent.getByTestId("next-ticket").click();
  await expect(agent.locator("dd[data-ticket-queue], [data-error=empty]").first()).toBeVisible();
  if (await agent.locator("dd[data-ticket-queue]").count()) {
    expect(["bank_liaison", "data_entry"]).toContain(await agent.locator("dd[data-ticket-queue]").getAttribute("data-ticket-queue"));
    await expect(agent.locator("[data-testid=signed-in-as]")).toBeVisible();
  }
  await agent.context().close();
});
