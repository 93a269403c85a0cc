import { randomInt } from "node:crypto";
import { test as base, expect, type Browser, type BrowserContext, type Page } from "@playwright/test";
import { LOCALE_COOKIE } from "@/lib/i18n";
import { clientAddress as staffClientAddress, demoStaff, signIn } from "./staff/sign-in";

/** The demo staff accounts specs act as (db/seed/demo-staff.ts); `clerk` is the second agent (refunds, finance). */
export type DemoAccount = "admin" | "supervisor" | "agent" | "clerk";
const accountEmail = (who: DemoAccount) => (who === "clerk" ? demoStaff("agent", 1) : demoStaff(who)).email;

type Cookies = Awaited<ReturnType<BrowserContext["cookies"]>>;

/** One real sign-in per demo account and worker, kept as the session's cookies. */
type StaffSessions = {
  /** The cookies of a signed-in session for the account: signs in (password, and the TOTP step for supervisor/admin) the first time. */
  cookies: (who: DemoAccount, fresh?: boolean) => Promise<Cookies>;
};

type WorkerFixtures = { staffSessions: StaffSessions };
type TestFixtures = {
  clientAddress: string;
  /**
   * Signs `page` (the test's own by default) in as a demo account from the worker's session, and leaves
   * it on the console home, as signIn() does. A session that no longer works (revoked, idle) is replaced
   * by a real sign-in. For specs that test sign-in itself, use signIn() from e2e/staff/sign-in.ts.
   */
  signedIn: (who: DemoAccount, page?: Page) => Promise<Page>;
  /** A staff browser of its own (zh-CN, a client address of its own), signed in as the account; closed after the test. */
  staffPage: (who: DemoAccount) => Promise<Page>;
};

async function newStaffContext(browser: Browser): Promise<BrowserContext> {
  return browser.newContext({ locale: "zh-CN", extraHTTPHeaders: { "x-forwarded-for": staffClientAddress() } });
}

/**
 * Every test is its own client: a distinct X-Forwarded-For, as a load balancer
 * would send, so the per-client lookup limit of one test never leaks into another.
 */
export const test = base.extend<TestFixtures, WorkerFixtures>({
  clientAddress: [
    async ({ page }, use) => {
      const address = `198.51.${randomInt(0, 255)}.${randomInt(1, 254)}`;
      await page.setExtraHTTPHeaders({ "x-forwarded-for": address });
      await use(address);
    },
    { auto: true },
  ],

  staffSessions: [
    async ({ browser }, use) => {
      const sessions = new Map<DemoAccount, Promise<Cookies>>();
      const signInOnce = async (who: DemoAccount): Promise<Cookies> => {
        const context = await newStaffContext(browser);
        try {
          await signIn(await context.newPage(), accountEmail(who));
          // The session only: a language the sign-in page remembered is not the test's to inherit.
          return (await context.cookies()).filter((c) => c.name !== LOCALE_COOKIE);
        } finally {
          await context.close();
        }
      };
      await use({
        cookies: (who, fresh = false) => {
          if (fresh || !sessions.has(who)) {
            const session = signInOnce(who);
            // A failed sign-in is not cached: the next test tries again.
            session.catch(() => sessions.delete(who));
            sessions.set(who, session);
          }
          return sessions.get(who)!;
        },
      });
    },
    { scope: "worker" },
  ],

  signedIn: async ({ page: ownPage, staffSessions }, provide) => {
    // `provide` is Playwright's `use` (renamed: the React hooks lint rule reads `use` as React's).
    await provide(async (who, page = ownPage) => {
      const email = accountEmail(who);
      const signedInAs = page.getByTestId("signed-in-as");
      for (const fresh of [false, true]) {
        await page.context().addCookies(await staffSessions.cookies(who, fresh));
        await page.goto("/staff");
        if (/\/staff$/.test(new URL(page.url()).pathname) && (await signedInAs.count()) > 0) break;
        // The worker's session ended (an admin changed the account, or it sat idle): sign in again once.
        if (fresh) throw new Error(`the console did not accept a fresh session for ${email}`);
      }
      await expect(signedInAs).toHaveText(email);
      return page;
    });
  },

  staffPage: async ({ browser, signedIn }, provide) => {
    const contexts: BrowserContext[] = [];
    await provide(async (who) => {
      const context = await newStaffContext(browser);
      contexts.push(context);
      return signedIn(who, await context.newPage());
    });
    for (const context of contexts) await context.close();
  },
});

export { expect };
