import { existsSync } from "node:fs";
import { defineConfig, devices } from "@playwright/test";

/**
 * `npm run test:ops`: production instances of one build against PostgreSQL —
 * two instances on one database, then faults (database restart, killed
 * import, mail server down, corrupt statement). Tests run one at a time: they
 * start servers, and a 2-core machine is the target.
 */
const systemChromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find((p) => existsSync(p));

export default defineConfig({
  testDir: ".",
  testMatch: "*.spec.ts",
  forbidOnly: !!process.env.CI,
  workers: 1,
  // As the browser suite: one retry on CI. Known cause of the one failure seen (1 run in 3): after PostgreSQL
  // comes back, a request can still meet a stale pooled connection and get a 500 — a product bug, recorded on
  // issue 7, not hidden: the first attempt's failure is printed in the CI log.
  retries: process.env.CI ? 1 : 0,
  reporter: [["list"]],
  timeout: 180_000,
  globalSetup: "./global-setup.ts",
  // Its own output directory: another Playwright run in the same checkout clears test-results/.
  outputDir: "../../test-results/ops",
  use: {
    ...devices["Desktop Chrome"],
    locale: "zh-CN",
    trace: "retain-on-failure",
    launchOptions: { executablePath: systemChromium, args: ["--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-gpu"] },
  },
});
