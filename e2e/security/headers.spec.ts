import { demo, qrPath } from "../fixtures";
import { expect, test } from "../test";

const paths = ["/", qrPath(demo.posted.receiptNo), "/api/health", "/no-such-page", `/r/${demo.posted.receiptNo}/ticket`];

test.describe("security headers", () => {
  for (const path of paths) {
    test(`${path.slice(0, 30)} carries the hardening headers`, async ({ request }) => {
      const response = await request.get(path, { maxRedirects: 0 });
      const h = response.headers();
      expect(h["content-security-policy"]).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'/);
      expect(h["content-security-policy"]).toContain("frame-ancestors 'none'");
      expect(h["content-security-policy"]).toContain("form-action 'self'");
      expect(h["x-content-type-options"]).toBe("nosniff");
      expect(h["referrer-policy"]).toBeTruthy();
      expect(h["x-powered-by"]).toBeUndefined();
    });
  }

  test("every page gets a fresh nonce and scripts run under it", async ({ page }) => {
    const violations: string[] = [];
    page.on("console", (m) => {
      if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
    });
    const first = await page.goto("/");
    const second = await page.request.get("/");
    expect(first!.headers()["content-security-policy"]).not.toBe(second.headers()["content-security-policy"]);
    // The language switcher posts through React when scripts run: no full reload, no violation.
    await page.getByTestId("language-switcher").click();
    await expect(page.locator("html")).toHaveAttribute("lang", "en");
    expect(violations).toEqual([]);
  });

  test("x-middleware-subrequest opens nothing", async ({ request }) => {
    const response = await request.get("/staff", { headers: { "x-middleware-subrequest": "proxy:proxy:proxy:proxy:proxy" }, maxRedirects: 0 });
    expect([302, 303, 307, 308, 401, 404]).toContain(response.status());
    expect(await response.text()).not.toContain("data-staff");
  });

  test("server actions posted from a foreign origin are refused with a clean 403", async ({ page, request }) => {
    await page.goto("/");
    const actionField = await page.locator('input[name^="$ACTION_"]').first().getAttribute("name");
    const form = Object.fromEntries(await page.locator("form").last().locator("input[type=hidden]").evaluateAll((els) => els.map((e) => [(e as HTMLInputElement).name, (e as HTMLInputElement).value])));
    expect(actionField).toBeTruthy();
    const port = new URL(page.url()).port;
    for (const origin of ["https://evil.example", `http://127.0.0.1:${Number(port) + 1}`, `http://localhost:${port}`, "null"]) {
      const response = await request.post("/", { headers: { origin }, multipart: { ...form, receipt: demo.posted.receiptNo, amount: demo.posted.amount }, maxRedirects: 0 });
      expect(response.status(), origin).toBe(403);
      expect(response.headers()["set-cookie"] ?? "").not.toContain("ps_lookup");
      const html = await response.text();
      expect(html.indexOf("未予受理")).toBeGreaterThanOrEqual(0);
      expect(html.indexOf("未予受理")).toBeLessThan(html.indexOf("Not accepted"));
    }
  });

  for (const javaScriptEnabled of [true, false]) {
    test(`the lookup form still works from the app's own origin (JavaScript ${javaScriptEnabled ? "on" : "off"})`, async ({ browser, baseURL }) => {
      const context = await browser.newContext({ javaScriptEnabled, baseURL, locale: "zh-CN", extraHTTPHeaders: { "x-forwarded-for": `198.18.${Math.floor(Math.random() * 250)}.${javaScriptEnabled ? 1 : 2}` } });
      try {
        const page = await context.newPage();
        const posts: number[] = [];
        page.on("response", (r) => {
          if (r.request().method() === "POST") posts.push(r.status());
        });
        await page.goto("/");
        await page.getByLabel("收据号").fill(demo.posted.receiptNo);
        await page.getByLabel("实付金额（元）").fill(demo.posted.amount);
        await page.getByRole("button", { name: "查询" }).click();
        await expect(page).toHaveURL(`/r/${demo.posted.receiptNo}`);
        await expect(page.locator("[data-status]")).toHaveAttribute("data-status", "posted");
        expect(posts.length).toBeGreaterThan(0);
        expect(posts).not.toContain(403);
      } finally {
        await context.close();
      }
    });
  }
});
