import { request as httpRequest } from "node:http";
import { randomBytes, randomInt } from "node:crypto";
import { startSmtpSink } from "@/db/testing/smtp-sink";
import { withLuhnDigit } from "@/lib/receipt-number";
import { E2E_SECRETS } from "../../playwright.config";
import { demo, qrPath, tokenFor } from "../fixtures";
import { expect, test } from "../test";
import { errorCode, postForm, renderedForm, SecondServer } from "./helpers";

/**
 * Issue 12, findings 2, 6 and 9, on a second server of the same build with no trusted proxy
 * (TRUSTED_PROXY_HOPS=0, the default), mail going to a local SMTP sink, and every line it logs kept:
 * forged X-Forwarded-For and a forged copy of the private socket-address header change nothing; a
 * forged Host never reaches a notification; a server action from a foreign origin gets 403 before its
 * body is read, and no error line; an oversized body is refused with 413 before it is read;
 * and no token planted in a URL reaches any log line.
 */
test.describe.configure({ mode: "serial" });

const PORT = Number(process.env.E2E_PORT ?? 3210) + 1;
let server: SecondServer;
let smtp: Awaited<ReturnType<typeof startSmtpSink>>;

test.beforeAll(async () => {
  test.setTimeout(240_000);
  smtp = await startSmtpSink();
  server = await SecondServer.start(PORT, {
    ...E2E_SECRETS,
    TRUSTED_PROXY_HOPS: "0",
    SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
    MAIL_FROM: "paystatus <no-reply@paystatus.invalid>",
  });
});

test.afterAll(async () => {
  await server?.stop();
  await smtp?.stop();
});

const unknownReceipt = () => withLuhnDigit(`2026770${String(randomInt(0, 1e8)).padStart(8, "0")}`);

test("finding 2: a new X-Forwarded-For (and a forged socket-address header) on every lookup does not escape the per-client limit", async ({ page }) => {
  await page.goto(`${server.baseURL}/`);
  const form = await renderedForm(page, page.locator("form").filter({ has: page.locator("input[name=receipt]") }));
  const answers: string[] = [];
  for (let i = 0; i < 31; i++) {
    const forged = { "x-forwarded-for": `203.0.113.${(i % 250) + 1}`, "x-paystatus-socket-address": `198.51.100.${(i % 250) + 1}` };
    answers.push(errorCode(await (await postForm(page.request, form, { receipt: unknownReceipt(), amount: "1.00" }, [], forged)).text()) ?? "none");
  }
  console.log(`31 lookups with forged addresses: ${answers.filter((a) => a === "no_match").length} answered, then ${answers.at(-1)}`);
  expect(answers.slice(0, 30).every((a) => a === "no_match")).toBe(true);
  expect(answers[30]).toBe("rate_limited");
});

test("finding 6: a ticket opened with a forged Host gets notification links to PUBLIC_BASE_URL only", async ({ page }) => {
  await page.goto(`${server.baseURL}${qrPath(demo.overdue.receiptNo).replace("?", "/ticket?")}`);
  const form = await renderedForm(page, page.locator("form").filter({ has: page.locator("input[name=idempotency_key]") }));
  const contact = `victim.${randomBytes(3).toString("hex")}@example.cn`;
  // Host, X-Forwarded-Host and Origin all name the attacker's domain. That is no cross-site request (a
  // browser on another site cannot choose the Host), so the action runs, as Next.js's own check lets
  // it; the links it queues must still name PUBLIC_BASE_URL only.
  const forged = { host: "evil.example", "x-forwarded-host": "evil.example", origin: "http://evil.example" };
  const response = await postForm(page.request, form, { category: "not_posted", description: "已付款未入账", contact }, [], forged);
  expect(response.status()).toBe(303);
  // The in-process worker relays the outbox every 15 s.
  await expect.poll(() => smtp.received.filter((m) => JSON.stringify(m.to).includes(contact)).length, { timeout: 45_000 }).toBe(1);
  const mail = smtp.received.find((m) => JSON.stringify(m.to).includes(contact))!;
  const text = `${mail.text ?? ""} ${typeof mail.html === "string" ? mail.html : ""}`;
  expect(text).toContain(`${server.baseURL}/t/T-`);
  expect(text).not.toContain("evil.example");
});

test("a server action from another origin gets 403 before its body is read, and is not logged as an error", async ({ page }) => {
  const since = server.lines.length;
  const receiptNo = demo.overdue.receiptNo;
  const path = `/r/${receiptNo}/ticket?t=${tokenFor(receiptNo)}`;
  const action = { "next-action": "7f".padEnd(42, "0"), "content-type": "text/plain;charset=UTF-8" };
  const other = `http://127.0.0.1:${PORT + 1}`;
  const cases: [string, Record<string, string>][] = [
    ["Next-Action from another port", { ...action, origin: other }],
    ["Next-Action from another host", { ...action, origin: "https://evil.example" }],
    ["Next-Action without Origin", action],
    ["Next-Action from the null origin", { ...action, origin: "null" }],
    ["form post from another port", { "content-type": "multipart/form-data; boundary=x", origin: other }],
  ];
  for (const [name, headers] of cases) {
    const response = await fetch(server.baseURL + path, { method: "POST", headers, body: "--x--\r\n", redirect: "manual" });
    expect(response.status, name).toBe(403);
    const html = await response.text();
    expect(html.indexOf("未予受理"), name).toBeLessThan(html.indexOf("Not accepted"));
  }

  // 40 MB announced (under the 52 MB limit), 1 KB sent: the 403 comes before the rest would have been read.
  const status = await new Promise<number>((resolve, reject) => {
    const req = httpRequest(server.baseURL + path, {
      method: "POST",
      headers: { "content-type": "multipart/form-data; boundary=x", "content-length": String(40 * 1024 * 1024), "next-action": "0".repeat(42), origin: other },
    });
    req.on("response", (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
      req.destroy();
    });
    req.on("error", (error) => (String(error).includes("ECONNRESET") || String(error).includes("EPIPE") ? undefined : reject(error)));
    req.write(Buffer.alloc(1024));
  });
  expect(status).toBe(403);

  // GET is not affected; /api/ is not affected (channel notifications and API clients send no Origin).
  expect((await fetch(server.baseURL + path, { headers: { origin: "https://evil.example" } })).status).toBe(200);
  expect((await fetch(`${server.baseURL}/api/v1/channels/acquirer/notify`, { method: "POST", headers: { "content-type": "multipart/form-data; boundary=x" }, body: "--x--\r\n" })).status).not.toBe(403);

  // And the app's own origin still reaches the action (a page renders the form, the post goes through).
  await page.goto(`${server.baseURL}${qrPath(demo.amount_mismatch.receiptNo).replace("?", "/ticket?")}`);
  const form = await renderedForm(page, page.locator("form").filter({ has: page.locator("input[name=idempotency_key]") }));
  expect((await postForm(page.request, form, { category: "wrong_amount", description: "金额不对", contact: "13800138000" })).status()).toBe(303);

  await new Promise((r) => setTimeout(r, 500));
  const written = server.lines.slice(since);
  expect(written.filter((line) => /Invalid Server Actions|does not match `origin`|Missing `origin`/i.test(line))).toEqual([]);
  expect(written.filter((line) => /"level":"error"|⨯|Error:/.test(line))).toEqual([]);
});

test("finding 9: an oversized body gets 413 before it is read, and no log line carries a URL's token or receipt number", async () => {
  const receiptNo = unknownReceipt();
  const token = tokenFor(receiptNo);
  const secret = randomBytes(32).toString("base64url");
  const since = server.lines.length;

  // 60 MB announced, 1 KB sent: the answer comes before the rest would have been read.
  const status = await new Promise<number>((resolve, reject) => {
    const req = httpRequest(`${server.baseURL}/r/${receiptNo}/ticket?t=${token}`, {
      method: "POST",
      headers: { "content-type": "multipart/form-data; boundary=x", "content-length": String(60 * 1024 * 1024), "next-action": "0".repeat(42), origin: server.baseURL },
    });
    req.on("response", (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
      req.destroy();
    });
    req.on("error", (error) => (String(error).includes("ECONNRESET") || String(error).includes("EPIPE") ? undefined : reject(error)));
    req.write(Buffer.alloc(1024));
  });
  expect(status).toBe(413);

  // Other ways a secret rides in a URL: the status page's QR token, the private tracking link, a bad path.
  for (const path of [`/r/${receiptNo}?t=${token}`, `/t/T-2345-6789/open?k=${secret}`, `/r/${receiptNo}/ticket?t=${token}`, `/no-such-page?t=${token}&k=${secret}`]) {
    await fetch(`${server.baseURL}${path}`, { redirect: "manual" });
  }
  // And requests that make the server log: an unknown server action posted to a URL carrying the token,
  // and a form post the action itself fails on (the log must still not say where it came from).
  await fetch(`${server.baseURL}/r/${receiptNo}/ticket?t=${token}`, { method: "POST", headers: { "next-action": "7f".padEnd(42, "0"), origin: server.baseURL, "content-type": "text/plain" }, body: "[]" });
  await new Promise((r) => setTimeout(r, 1000));
  const written = server.lines.slice(since);
  console.log(`server wrote ${written.length} line(s) during the test:\n${written.slice(0, 5).join("\n")}`);
  expect(written.length).toBeGreaterThan(0);
  for (const needle of [token, secret, receiptNo]) expect(written.filter((line) => line.includes(needle))).toEqual([]);
});
