import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { defineConfig, devices } from "@playwright/test";
import { E2E_CHANNEL_ENV } from "./e2e/channel-keys";

/**
 * Browser tests against the production build on the embedded store, seeded
 * with the demo data. System Chromium when present (CI installs it from
 * Debian), Playwright's own browser otherwise.
 */
const PORT = Number(process.env.E2E_PORT ?? 3210);
/** Where the server's SMS webhook posts (e2e/public/channels.spec.ts listens there; elsewhere deliveries just wait and retry). */
export const E2E_SMS_PORT = PORT + 20_000;
const systemChromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find((p) => existsSync(p));

export const E2E_SECRETS = {
  AUTH_SECRET: "e2e-auth-secret-0123456789abcdef0123456789",
  RECEIPT_LINK_SECRET: "e2e-receipt-link-secret-0123456789abcdef01",
};

const phone = {
  ...devices["Pixel 7"],
  viewport: { width: 360, height: 740 },
  launchOptions: {
    executablePath: systemChromium,
    args: ["--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-gpu", "--disable-quic"],
  },
};

export default defineConfig({
  testDir: "./e2e",
  forbidOnly: !!process.env.CI,
  retries: process.env.CI ? 1 : 0,
  // Two on CI's 2 cores; elsewhere half the cores (Playwright's default), but never one: the tests mostly wait
  // on the server, and one worker on a 2-core machine doubles the suite's wall time.
  workers: process.env.CI ? 2 : Math.max(2, Math.floor(availableParallelism() / 2)),
  reporter: process.env.CI ? [["list"]] : [["list"], ["html", { open: "never" }]],
  // Generous for a busy 2-core machine (a server action that verifies a proof off-thread can take seconds
  // there); a passing test is not slowed by it.
  timeout: 60_000,
  expect: { timeout: 10_000 },
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    // CI retries a failed test once: the trace of that retry is the one to read; recording every first run costs time.
    trace: process.env.CI ? "on-first-retry" : "retain-on-failure",
    locale: "zh-CN",
  },
  projects: [
    { name: "public", testMatch: "public/**/*.spec.ts", use: phone },
    // Its tests share nothing (each walks its own page states): spread over both workers instead of one.
    { name: "a11y", testMatch: "a11y/**/*.spec.ts", use: phone, fullyParallel: true },
    { name: "security", testMatch: "security/**/*.spec.ts", use: phone },
    { name: "staff", testMatch: "staff/**/*.spec.ts", use: { ...devices["Desktop Chrome"], launchOptions: phone.launchOptions } },
  ],
  webServer: {
    command: "tsx --conditions=react-server e2e/serve.ts",
    url: `http://127.0.0.1:${PORT}/api/health`,
    reuseExistingServer: !process.env.CI,
    // It builds first when the build is stale: minutes on a busy 2-core machine.
    timeout: 600_000,
    stdout: "pipe",
    // The test runner plays the load balancer (one trusted hop): each test sends its own X-Forwarded-For.
    // e2e/security/second-server.spec.ts starts a second server without a trusted proxy.
    env: {
      ...E2E_SECRETS,
      PORT: String(PORT),
      PGLITE_DIR: `.data/e2e-${PORT}/pglite`,
      DATABASE_URL: "",
      PAYSTATUS_INSECURE_COOKIES: "1",
      TRUSTED_PROXY_HOPS: "1",
      PUBLIC_BASE_URL: `http://127.0.0.1:${PORT}`,
      // Issue 14: channel notifications (fixed test keys) and SMS notices to a sink on 127.0.0.1.
      ...E2E_CHANNEL_ENV,
      NOTIFY_WEBHOOK_URL: `http://127.0.0.1:${E2E_SMS_PORT}/sms`,
      NOTIFY_WEBHOOK_SECRET: "e2e-webhook-secret-0123456789",
    },
  },
});
