import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * The demo's own secrets and address, kept under .data/ so that `npm run qr` run beside
 * `npm run demo` prints links the running demo accepts. Demo only: production sets
 * AUTH_SECRET, RECEIPT_LINK_SECRET and PUBLIC_BASE_URL.
 */
const DATA_DIR = ".data";
const secretsFile = (dir: string) => join(dir, "demo-secrets.json");
const baseUrlFile = (dir: string) => join(dir, "demo-base-url");

type DemoSecrets = { AUTH_SECRET: string; RECEIPT_LINK_SECRET: string };

/** Fills the secrets not given from the demo's file, generating it on the first run. */
export function loadDemoSecrets(dir = DATA_DIR): void {
  if (process.env.AUTH_SECRET && process.env.RECEIPT_LINK_SECRET) return;
  let secrets: DemoSecrets;
  if (existsSync(secretsFile(dir))) {
    secrets = JSON.parse(readFileSync(secretsFile(dir), "utf8")) as DemoSecrets;
  } else {
    secrets = { AUTH_SECRET: randomBytes(32).toString("base64url"), RECEIPT_LINK_SECRET: randomBytes(32).toString("base64url") };
    mkdirSync(dir, { recursive: true });
    writeFileSync(secretsFile(dir), JSON.stringify(secrets, null, 2), { mode: 0o600 });
  }
  process.env.AUTH_SECRET ||= secrets.AUTH_SECRET;
  process.env.RECEIPT_LINK_SECRET ||= secrets.RECEIPT_LINK_SECRET;
}

export function rememberDemoBaseUrl(base: string, dir = DATA_DIR): void {
  writeFileSync(baseUrlFile(dir), base);
}

/**
 * For `npm run qr` without RECEIPT_LINK_SECRET: the running demo's secret and address, when a demo
 * has run here. Returns what it used, or null when there is no demo to follow.
 */
export function followDemo(dir = DATA_DIR): { baseUrl: string | null } | null {
  if (process.env.RECEIPT_LINK_SECRET || !existsSync(secretsFile(dir))) return null;
  process.env.RECEIPT_LINK_SECRET = (JSON.parse(readFileSync(secretsFile(dir), "utf8")) as DemoSecrets).RECEIPT_LINK_SECRET;
  const baseUrl = !process.env.PUBLIC_BASE_URL && existsSync(baseUrlFile(dir)) ? readFileSync(baseUrlFile(dir), "utf8").trim() : null;
  return { baseUrl };
}
