import { randomInt } from "node:crypto";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test, type Browser, type Page } from "@playwright/test";
import postgres from "postgres";
import { DEMO_RECEIPT_NUMBERS as demo } from "@/db/seed/demo-receipts";
import { DEMO_STAFF, DEMO_STAFF_PASSWORD } from "@/db/seed/demo-staff";
import { withLuhnDigit } from "@/lib/receipt-number";
import { fillSignIn } from "../staff/sign-in";
import { createDatabase, dropDatabase, qrPath, runScript, SHARED_SERVER, spawnScript, startInstance, startSmtpSink, waitFor, type Proc } from "./harness";

/**
 * SPEC §4 "Scales out": two production instances of one build on one
 * PostgreSQL database behave as one — rate limits, staff sessions, background
 * jobs, uploads and tickets — and neither writes payer data to its logs.
 */
test.describe.configure({ mode: "serial" });

const PORT_A = 3401;
const PORT_B = 3402;
const A = `http://127.0.0.1:${PORT_A}`;
const B = `http://127.0.0.1:${PORT_B}`;
const DB = `paystatus_ops_two_${process.pid}`;
const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==", "base64");

let url: string;
let sql: postgres.Sql;
let uploadDir: string;
let smtp: Awaited<ReturnType<typeof startSmtpSink>>;
let env: Record<string, string>;
const processes: Proc[] = [];

test.beforeAll(async () => {
  test.setTimeout(180_000);
  smtp = await startSmtpSink();
  uploadDir = mkdtempSync(join(tmpdir(), "paystatus-ops-uploads-"));
  url = await createDatabase(SHARED_SERVER, DB);
  sql = postgres(url, { max: 2, onnotice: () => {} });
  env = {
    DATABASE_URL: url,
    // Proofs on a shared directory (the S3 / NFS shape) rather than in the database, to show it is shared.
    UPLOAD_STORAGE: "filesystem",
    UPLOAD_DIR: uploadDir,
    SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
    MAIL_FROM: "paystatus <no-reply@paystatus.invalid>",
    PUBLIC_BASE_URL: A,
  };
  processes.push(...(await Promise.all([startInstance(PORT_A, env), startInstance(PORT_B, env)])));
});

test.afterAll(async () => {
  await Promise.all(processes.map((p) => p.stop()));
  await sql?.end();
  await smtp?.stop();
  await dropDatabase(SHARED_SERVER, DB);
  rmSync(uploadDir, { recursive: true, force: true });
});

const clientAddress = () => `203.0.${randomInt(0, 255)}.${randomInt(1, 254)}`;

async function newPage(browser: Browser, options: { javaScriptEnabled?: boolean } = {}): Promise<Page> {
  const context = await browser.newContext({ javaScriptEnabled: options.javaScriptEnabled ?? true, extraHTTPHeaders: { "x-forwarded-for": clientAddress() } });
  return context.newPage();
}

async function lookup(page: Page, base: string, receiptNo: string, amount: string): Promise<string | null> {
  await page.goto(`${base}/`);
  await page.locator("input[name=receipt]").fill(receiptNo);
  await page.locator("input[name=amount]").fill(amount);
  await page.locator("form:has(input[name=receipt]) button[type=submit]").click();
  await page.waitForLoadState();
  return page.locator("[data-error]").first().getAttribute("data-error", { timeout: 5000 }).catch(() => null);
}

/** Opens the report form on `base` and fills it in; returns the page, ready to submit. */
async function fillReport(page: Page, base: string, receiptNo: string, category: string, contact: string, description = "我已付款，请帮我查一下。") {
  await page.goto(`${base}${qrPath(receiptNo).replace("?", "/ticket?")}`);
  await page.locator(`input[name=category][value=${category}]`).check();
  await page.locator("textarea[name=description]").fill(description);
  await page.locator("input[name=contact]").fill(contact);
}

async function report(page: Page, base: string, receiptNo: string, category: string, contact: string, options: { proof?: boolean; description?: string } = {}): Promise<string> {
  await fillReport(page, base, receiptNo, category, contact, options.description);
  if (options.proof) await page.locator("input[name=proof]").setInputFiles([{ name: "bank-sms.png", mimeType: "image/png", buffer: PNG }]);
  await page.locator("form:has(input[name=category]) button[type=submit]").click();
  await expect(page).toHaveURL(/\/t\/T-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
  return page.url().split("/t/")[1]!;
}

test("lookup rate limits are counted across both instances", async ({ browser }) => {
  const page = await newPage(browser, { javaScriptEnabled: false });
  const { receiptNo } = demo.refunded;
  // SPEC §3.2: 10 lookups per receipt per 15 minutes — five wrong amounts on each instance use them up.
  for (let i = 0; i < 10; i++) {
    expect(await lookup(page, i % 2 === 0 ? A : B, receiptNo, `${i + 1}.00`)).toBe("no_match");
  }
  expect(await lookup(page, A, receiptNo, demo.refunded.amount)).toBe("rate_limited");
  expect(await lookup(page, B, receiptNo, demo.refunded.amount)).toBe("rate_limited");
  await page.context().close();
});

test("a staff session made on A is honoured by B", async ({ browser }) => {
  const page = await newPage(browser);
  const agent = DEMO_STAFF.find((s) => s.role === "agent")!;
  await page.goto(`${A}/staff/login`);
  await fillSignIn(page, agent.email, DEMO_STAFF_PASSWORD);
  await expect(page).toHaveURL(`${A}/staff`);
  // Cookies are per host, not per port: the browser sends A's session to B, as a load balancer would.
  await page.goto(`${B}/staff`);
  await expect(page.getByTestId("signed-in-as")).toHaveText(agent.email);
  await page.context().close();
});

test("a form rendered by A and posted at once to A and B makes one ticket", async ({ browser }) => {
  const page = await newPage(browser);
  const { receiptNo } = demo.overdue;
  await fillReport(page, A, receiptNo, "other", "double@example.cn");
  const form = page.locator("form").filter({ has: page.locator("input[name=idempotency_key]") });
  const fields = await form.evaluate((f: HTMLFormElement) =>
    [...new FormData(f)].flatMap(([name, value]) => (typeof value === "string" ? [[name, value] as const] : [])),
  );
  const path = new URL((await form.getAttribute("action")) || page.url(), page.url()).pathname + new URL(page.url()).search;
  const post = (base: string) => page.request.post(base + path, { multipart: Object.fromEntries(fields), headers: { origin: base }, maxRedirects: 0 });
  const [first, second] = await Promise.all([post(A), post(B)]);
  expect([first.status(), second.status()]).toEqual([303, 303]);
  expect(first.headers()["location"]).toMatch(/\/t\/T-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
  expect(new URL(second.headers()["location"]!, B).pathname).toBe(new URL(first.headers()["location"]!, A).pathname);
  const rows = await sql`select count(*)::int as n from tickets where receipt_no = ${receiptNo} and category = 'other'`;
  expect(rows[0]!.n).toBe(1);
  await page.context().close();
});

test("a proof uploaded through A downloads through B", async ({ browser }) => {
  const page = await newPage(browser);
  await report(page, A, demo.unpaid.receiptNo, "locked", "proof@example.cn", { proof: true });
  const href = await page.locator("a[href*='/attachments/']").first().getAttribute("href");
  const download = await page.request.get(new URL(href!, B).toString());
  expect(download.status()).toBe(200);
  expect(download.headers()["content-disposition"]).toMatch(/^attachment;/);
  expect((await download.body()).subarray(1, 4).toString()).toBe("PNG");
  // It came from the shared directory, not from A's memory or disk alone.
  expect(readdirSync(uploadDir, { recursive: true }).length).toBeGreaterThan(0);
  await page.context().close();
});

test("two workers deliver every notification exactly once", async ({ browser }) => {
  const page = await newPage(browser);
  const cases: [keyof typeof demo, string][] = [
    ["amount_mismatch", "wrong_amount"],
    ["duplicate", "duplicate_charge"],
    ["refund_pending", "other"],
    ["voided", "other"],
    ["posted", "invoice_missing"],
    ["posted", "info_change"],
  ];
  for (const [i, [status, category]] of cases.entries()) {
    await report(page, i % 2 === 0 ? A : B, demo[status].receiptNo, category, `worker-${i}@example.cn`);
  }
  await page.context().close();
  const queued = await sql<{ dedupe_key: string }[]>`select dedupe_key from outbox where channel = 'email'`;
  expect(queued.length).toBeGreaterThanOrEqual(cases.length + 2);

  // One worker beside each instance, started together so they race for the same rows.
  processes.push(spawnScript("scripts/worker.ts", ["--interval", "1"], env), spawnScript("scripts/worker.ts", ["--interval", "1"], env));
  await waitFor("the outbox to drain", async () => (await sql`select count(*)::int as n from outbox where channel = 'email' and sent_at is null`)[0]!.n === 0);
  // A second copy would arrive after the row was marked sent; give the workers time to make that mistake.
  await new Promise((r) => setTimeout(r, 3000));
  const refs = smtp.received.map((mail) => /T-[0-9A-Z]{4}-[0-9A-Z]{4}/.exec(mail.text ?? "")?.[0]);
  expect(refs).toHaveLength(queued.length);
  expect(new Set(refs).size).toBe(queued.length);
  // Every ticket with a contact (a refunds case matching opened by itself has none to write to).
  const tickets = await sql<{ ref: string }[]>`select ref from tickets where payer_contact <> ''`;
  expect(new Set(refs)).toEqual(new Set(tickets.map((t) => t.ref)));
});

test("no planted payer data reaches the logs of either instance, the workers or the import", async ({ browser }) => {
  const tag = String(randomInt(100000, 999999));
  const canary = {
    email: `canary.${tag}@example.cn`,
    phone: `139${tag}77`,
    description: `CANARY-DESCRIPTION-${tag}`,
    payerName: `金丝雀${tag}`,
    payerPhone: `137${tag}66`,
    staffEmail: `canary-${tag}@paystatus.invalid`,
    password: `CanaryPassword-${tag}`,
    receiptNo: withLuhnDigit(`62${tag}0000000`),
    amount: `${tag.slice(0, 4)}.37`,
  };
  const page = await newPage(browser, { javaScriptEnabled: false });

  // An import carrying a payer's name and phone, one good line and one rejected.
  const file = join(uploadDir, `canary-${tag}.csv`);
  const paidAt = new Date(Date.now() - 20 * 24 * 3600_000).toISOString();
  writeFileSync(
    file,
    "receipt_no,service,payer_name,payer_phone,amount_due,amount_paid,channel,paid_at,bank_ref,billing_status\n" +
      `${canary.receiptNo},tax,${canary.payerName},${canary.payerPhone},${canary.amount},${canary.amount},online_bank,${paidAt},,paid\n` +
      `${canary.receiptNo.slice(0, -1)}X,tax,${canary.payerName},${canary.payerPhone},not-money,,online_bank,,,paid\n`,
  );
  const imported = await runScript("scripts/import.ts", ["receipts", file], { DATABASE_URL: url });

  // Lookups: right and wrong amount for the imported receipt, an unknown receipt, on both instances.
  await lookup(page, A, canary.receiptNo, canary.amount);
  await lookup(page, B, canary.receiptNo, "1.23");
  await lookup(page, B, withLuhnDigit(`63${tag}0000000`), canary.amount);
  // Reports with a contact email and a contact phone, and a description.
  await report(page, A, canary.receiptNo, "other", canary.email, { description: canary.description });
  await report(page, B, canary.receiptNo, "not_posted", canary.phone, { description: canary.description });
  // Failed sign-ins: an unknown account, and a real one with a wrong password.
  for (const [base, email] of [
    [A, canary.staffEmail],
    [B, DEMO_STAFF[0]!.email],
  ] as const) {
    await page.goto(`${base}/staff/login`);
    await fillSignIn(page, email, canary.password);
    await expect(page.locator("[data-error]").first()).toBeVisible();
  }
  await page.context().close();
  await waitFor("the canary email to be sent", async () => (await sql`select count(*)::int as n from outbox where channel = 'email' and sent_at is null`)[0]!.n === 0);

  const logs = [...processes.map((p) => p.output()), imported.output].join("\n");
  expect(logs).toContain('"level":"info"');
  for (const [name, value] of Object.entries(canary)) {
    expect(logs.includes(value), `${name} found in the logs`).toBe(false);
  }
});
