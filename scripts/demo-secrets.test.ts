import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { followDemo, loadDemoSecrets, rememberDemoBaseUrl } from "./demo-secrets";

/** `npm run qr` beside a running demo must sign with the demo's secret and point at the demo's address. */
describe("npm run qr follows the demo", () => {
  let dir: string;
  const saved = { ...process.env };
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "paystatus-demo-"));
    for (const name of ["AUTH_SECRET", "RECEIPT_LINK_SECRET", "PUBLIC_BASE_URL"]) delete process.env[name];
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
    process.env = { ...saved };
  });

  it("uses the secret the demo generated and the address it served on", () => {
    loadDemoSecrets(dir);
    const demoSecret = process.env.RECEIPT_LINK_SECRET;
    rememberDemoBaseUrl("http://localhost:4123", dir);
    delete process.env.RECEIPT_LINK_SECRET;

    expect(followDemo(dir)).toEqual({ baseUrl: "http://localhost:4123" });
    expect(process.env.RECEIPT_LINK_SECRET).toBe(demoSecret);
  });

  it("stays out of the way of an operator's own RECEIPT_LINK_SECRET", () => {
    loadDemoSecrets(dir);
    process.env.RECEIPT_LINK_SECRET = "operator-secret-0123456789abcdef0123456";
    expect(followDemo(dir)).toBeNull();
    expect(process.env.RECEIPT_LINK_SECRET).toBe("operator-secret-0123456789abcdef0123456");
  });

  it("does nothing where no demo has run", () => {
    expect(followDemo(dir)).toBeNull();
    expect(process.env.RECEIPT_LINK_SECRET).toBeUndefined();
  });

  it("keeps PUBLIC_BASE_URL when one is set", () => {
    loadDemoSecrets(dir);
    rememberDemoBaseUrl("http://localhost:4123", dir);
    delete process.env.RECEIPT_LINK_SECRET;
    process.env.PUBLIC_BASE_URL = "https://pay.example.gov.cn";
    expect(followDemo(dir)).toEqual({ baseUrl: null });
  });
});
