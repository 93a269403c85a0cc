import { afterEach, describe, expect, it } from "vitest";
import { setupTestDatabase } from "@/db/testing/test-db";
import { metrics } from "@/lib/metrics";
import { GET } from "./route";

setupTestDatabase();
const scrape = (auth?: string) => GET(new Request("http://x/api/metrics", { headers: auth ? { authorization: auth } : {} }));

afterEach(() => {
  delete process.env.METRICS_TOKEN;
});

describe("/api/metrics", () => {
  it("is off without METRICS_TOKEN and refuses a wrong token", async () => {
    expect((await scrape("Bearer anything")).status).toBe(404);
    process.env.METRICS_TOKEN = "metrics-token-0123456789";
    expect((await scrape()).status).toBe(404);
    expect((await scrape("Bearer metrics-token-0123456789x")).status).toBe(404);
  });

  it("exposes lookups, queue depth and outbox backlog", async () => {
    process.env.METRICS_TOKEN = "metrics-token-0123456789";
    metrics().lookups.inc({ outcome: "no_match" });
    const response = await scrape("Bearer metrics-token-0123456789");
    expect(response.status).toBe(200);
    const body = await response.text();
    expect(body).toMatch(/paystatus_lookups_total\{outcome="no_match"\} [1-9]/);
    expect(body).toContain("paystatus_outbox_backlog 0");
    expect(body).toContain("# TYPE paystatus_queue_depth gauge");
  });
});
