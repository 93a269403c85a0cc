import { randomInt } from "node:crypto";
import { test as base } from "@playwright/test";

/**
 * Every test is its own client: a distinct X-Forwarded-For, as a load balancer
 * would send, so the per-client lookup limit of one test never leaks into another.
 */
export const test = base.extend<{ clientAddress: string }>({
  clientAddress: [
    async ({ page }, use) => {
      const address = `198.51.${randomInt(0, 255)}.${randomInt(1, 254)}`;
      await page.setExtraHTTPHeaders({ "x-forwarded-for": address });
      await use(address);
    },
    { auto: true },
  ],
});

export { expect } from "@playwright/test";
