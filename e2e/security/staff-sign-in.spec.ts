import { expect, test } from "@playwright/test";
import { clientAddress, demoStaff, DEMO_STAFF_PASSWORD, fillSignIn } from "../staff/sign-in";

/**
 * Issue 12, findings 3, 4 and 5, against the production build: the sign-in limits hold on Auth.js's
 * own endpoint, failures slow the failing client instead of locking the account, and a session ends
 * on the server when its owner signs out (a copied cookie is then worth nothing, and cannot be renewed).
 */

test("finding 3: POST /api/auth/callback/credentials is throttled like the login form", async ({ request }) => {
  const client = { "x-forwarded-for": clientAddress() };
  const email = demoStaff("supervisor").email;
  const codes: string[] = [];
  for (let i = 0; i < 5; i++) {
    const { csrfToken } = (await (await request.get("/api/auth/csrf", { headers: client })).json()) as { csrfToken: string };
    const response = await request.post("/api/auth/callback/credentials", {
      headers: client,
      form: { csrfToken, email, password: `guess-${i}-password`, callbackUrl: "/staff" },
      maxRedirects: 0,
    });
    expect([302, 303]).toContain(response.status());
    codes.push(new URL(response.headers()["location"]!, "http://x").searchParams.get("code") ?? "");
  }
  console.log(`callback/credentials answers: ${codes.join(", ")}`);
  expect(codes.slice(0, 3)).toEqual(["credentials", "credentials", "credentials"]);
  expect(codes.slice(3)).toEqual(["rate_limited_1", "rate_limited_1"]);
});

test("finding 4: wrong passwords from one client never lock the owner out", async ({ browser }) => {
  const email = demoStaff("agent", 1).email;
  const attacker = await browser.newContext({ locale: "zh-CN", extraHTTPHeaders: { "x-forwarded-for": clientAddress() } });
  const owner = await browser.newContext({ locale: "zh-CN", extraHTTPHeaders: { "x-forwarded-for": clientAddress() } });
  try {
    const page = await attacker.newPage();
    const codes: (string | null)[] = [];
    for (let i = 0; i < 5; i++) {
      await page.goto("/staff/login");
      await fillSignIn(page, email, `wrong-${i}-password`);
      await expect(page.locator("[data-error]")).toBeVisible();
      codes.push(await page.locator("[data-error]").getAttribute("data-error"));
    }
    expect(codes).toEqual(["invalid_credentials", "invalid_credentials", "invalid_credentials", "rate_limited", "rate_limited"]);
    await expect(page.locator("[data-error]")).toContainText(/\d+ 分钟后再试/);
    // Not even the right password goes through from the attacker's client for now…
    await page.goto("/staff/login");
    await fillSignIn(page, email, DEMO_STAFF_PASSWORD);
    await expect(page.locator("[data-error]")).toHaveAttribute("data-error", "rate_limited");
    // …while the owner, from their own client, signs in at once.
    const mine = await owner.newPage();
    await mine.goto("/staff/login");
    await fillSignIn(mine, email, DEMO_STAFF_PASSWORD);
    await expect(mine).toHaveURL(/\/staff$/);
    await expect(mine.getByTestId("signed-in-as")).toHaveText(email);
  } finally {
    await attacker.close();
    await owner.close();
  }
});

test("finding 5: signing out ends the session on the server; a copied cookie is neither accepted nor renewed", async ({ browser }) => {
  const email = demoStaff("agent").email;
  const headers = { "x-forwarded-for": clientAddress() };
  const staffContext = await browser.newContext({ locale: "zh-CN", extraHTTPHeaders: headers });
  const thief = await browser.newContext({ locale: "zh-CN", extraHTTPHeaders: headers });
  try {
    const page = await staffContext.newPage();
    await page.goto("/staff/login");
    await fillSignIn(page, email, DEMO_STAFF_PASSWORD);
    await expect(page).toHaveURL(/\/staff$/);
    const copied = (await staffContext.cookies()).filter((c) => c.name.includes("session-token"));
    expect(copied).toHaveLength(1);
    await thief.addCookies(copied);
    // The copy works while the session lives…
    expect(((await (await thief.request.get("/api/auth/session")).json()) as { user?: { id?: string } } | null)?.user?.id).toBeTruthy();

    await page.getByRole("button", { name: "退出登录" }).click();
    await expect(page).toHaveURL(/\/staff\/login/);

    // …and is dead once its owner signed out: no session, no renewed cookie, no console.
    const session = await thief.request.get("/api/auth/session");
    expect(await session.json()).toBeNull();
    expect(session.headers()["set-cookie"] ?? "").not.toMatch(/session-token=[^;]{20,}/);
    const stolen = await thief.newPage();
    await stolen.goto("/staff");
    await expect(stolen).toHaveURL(/\/staff\/login/);
  } finally {
    await staffContext.close();
    await thief.close();
  }
});
