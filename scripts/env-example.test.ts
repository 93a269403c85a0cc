import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

/**
 * SPEC §3.5: `.env.example` documents every variable the code reads. This reads the
 * code (not the tests or their harnesses) for `process.env.NAME`, the keys of the
 * validated schema in lib/env.ts and the OIDC settings in auth.ts, and looks each up.
 */
const root = join(import.meta.dirname, "..");

/** Set by Node, npm, Next.js or CI, or by our own scripts for the server they start — not configuration. */
const NOT_CONFIGURATION = new Set([
  "NODE_ENV",
  "NEXT_RUNTIME",
  "CI",
  "PAYSTATUS_DEMO", // scripts/demo.ts → the server it starts (demo banner)
  "PAYSTATUS_INPROCESS_WORKER", // scripts/demo.ts → background jobs inside the demo server
  "PAYSTATUS_BENCH", // scripts/bench-lookup.ts, bench-notify.ts → the trivial comparison page and POST handler
  "PAYSTATUS_HTTP_SERVER", // scripts/http-server.mjs → instrumentation-node.ts (started behind it)
]);

function sourceFiles(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return path === join("db", "testing") ? [] : sourceFiles(path);
    return /\.(ts|tsx|mjs)$/.test(entry.name) && !/\.test\./.test(entry.name) ? [path] : [];
  });
}

function variablesReadByTheCode(): Map<string, string> {
  const files = [...["app", "components", "lib", "db", "scripts"].flatMap((d) => sourceFiles(d)), "auth.ts", "proxy.ts", "instrumentation.ts", "instrumentation-node.ts", "next.config.mjs"];
  const found = new Map<string, string>();
  for (const file of files) {
    const text = readFileSync(join(root, file), "utf8");
    for (const m of text.matchAll(/process\.env(?:\.([A-Z][A-Z0-9_]*)|\[["']([A-Z][A-Z0-9_]*)["']\])/g)) found.set(m[1] ?? m[2]!, file);
    if (file === join("lib", "env.ts")) for (const m of text.matchAll(/^ {2}([A-Z][A-Z0-9_]*): /gm)) found.set(m[1]!, file);
    if (file === "auth.ts") for (const m of text.matchAll(/source\.([A-Z][A-Z0-9_]*)/g)) found.set(m[1]!, file);
  }
  return found;
}

describe(".env.example", () => {
  const example = readFileSync(join(root, ".env.example"), "utf8");
  const documented = new Set([...example.matchAll(/^#? ?([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]!));
  const read = variablesReadByTheCode();

  it("finds the variables the code reads (the scan itself works)", () => {
    for (const name of ["DATABASE_URL", "AUTH_SECRET", "RECEIPT_LINK_SECRET", "SMTP_URL", "AUTH_OIDC_ISSUER", "METRICS_TOKEN", "STAFF_PASSWORD"]) expect(read.has(name), name).toBe(true);
  });

  it("documents every one of them", () => {
    const missing = [...read].filter(([name]) => !NOT_CONFIGURATION.has(name) && !documented.has(name)).map(([name, file]) => `${name} (${file})`);
    expect(missing).toEqual([]);
  });
});
