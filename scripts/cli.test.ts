import { spawn } from "node:child_process";
import { createHmac } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import sharp from "sharp";
import { afterAll, describe, expect, it } from "vitest";

/**
 * The commands as an operator runs them (a child process each): bad configuration stops
 * `npm start`, `npm run demo` and a bare `next start` with one readable line and exit
 * code 1 — never a stack trace, never the secret — and `npm run qr` prints the SPEC §3.2 link.
 */
const SECRET_A = "audit-auth-secret-0123456789abcdef0123456789";
const SECRET_R = "audit-receipt-link-secret-0123456789abcdef";
const nextBin = createRequire(import.meta.url).resolve("next/dist/bin/next");
const distDir = process.env.NEXT_DIST_DIR || ".next";

type Run = { code: number | null; stdout: string; stderr: string };

/**
 * Each test starts `npm` and a Node process that loads the whole configuration: about 2 s on a quiet
 * machine, and ten times that on a loaded 2-core one (vitest's 5 s default failed six of these there).
 * The child is killed a little before the test gives up, so a hang reports the child's stderr.
 */
const SUBPROCESS_MS = 90_000;
const TEST_MS = SUBPROCESS_MS + 15_000;

/** A clean environment: nothing of the caller's DATABASE_URL, secrets or NODE_ENV leaks in. */
function run(command: string, args: string[], env: Record<string, string>, timeoutMs = SUBPROCESS_MS): Promise<Run> {
  const base = { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", NEXT_DIST_DIR: distDir, NEXT_TELEMETRY_DISABLED: "1" };
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: { ...base, ...env, NODE_ENV: env.NODE_ENV === "production" ? "production" : "test" }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${command} ${args.join(" ")} still running after ${timeoutMs} ms; stderr: ${stderr}`));
    }, timeoutMs);
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const errorLines = (r: Run) => r.stderr.split("\n").filter((line) => line.trim() !== "");

describe("bad configuration stops start-up with one line", { timeout: TEST_MS }, () => {
  const cases: [name: string, command: string, args: string[], env: Record<string, string>, message: RegExp][] = [
    ["npm start, empty AUTH_SECRET", "npm", ["run", "--silent", "start"], { AUTH_SECRET: "", RECEIPT_LINK_SECRET: SECRET_R }, /^Configuration error: AUTH_SECRET is required/],
    ["npm start, malformed DATABASE_URL", "npm", ["run", "--silent", "start"], { AUTH_SECRET: SECRET_A, RECEIPT_LINK_SECRET: SECRET_R, DATABASE_URL: "foo" }, /^Configuration error: DATABASE_URL must look like postgres:/],
    ["npm start, both", "npm", ["run", "--silent", "start"], { AUTH_SECRET: "", DATABASE_URL: "foo" }, /^Configuration error: (AUTH_SECRET|DATABASE_URL) /],
    ["npm run demo, malformed DATABASE_URL", "npm", ["run", "--silent", "demo"], { AUTH_SECRET: SECRET_A, RECEIPT_LINK_SECRET: SECRET_R, DATABASE_URL: "foo" }, /^Configuration error: DATABASE_URL must look like postgres:/],
    ["npm run demo, short RECEIPT_LINK_SECRET", "npm", ["run", "--silent", "demo"], { AUTH_SECRET: SECRET_A, RECEIPT_LINK_SECRET: "hunter2" }, /^Configuration error: RECEIPT_LINK_SECRET must be at least 32 characters$/],
  ];

  it.each(cases)("%s", async (_name, command, args, env, message) => {
    const result = await run(command, args, env);
    expect(result.code).toBe(1);
    expect(errorLines(result)).toHaveLength(1);
    expect(errorLines(result)[0]).toMatch(message);
    expect(result.stderr + result.stdout).not.toMatch(/\n\s+at |hunter2/);
  });

  // `next start` without the npm scripts: instrumentation.ts validates before the first request.
  it.skipIf(!existsSync(join(distDir, "BUILD_ID")))("next start (production build), empty AUTH_SECRET and DATABASE_URL=foo", async () => {
    const port = String(20_000 + (process.pid % 20_000));
    const result = await run(process.execPath, [nextBin, "start", "-p", port], { NODE_ENV: "production", AUTH_SECRET: "", DATABASE_URL: "foo" });
    expect(result.code).toBe(1);
    expect(errorLines(result)).toHaveLength(1);
    expect(errorLines(result)[0]).toMatch(/^Configuration error: (AUTH_SECRET|DATABASE_URL) /);
  });

  // Bare `next start` leaves the socket-address header to the client: production refuses to serve that way.
  it.skipIf(!existsSync(join(distDir, "BUILD_ID")))("next start (production build) with a good configuration but not behind scripts/http-server.mjs", async () => {
    const port = String(20_001 + (process.pid % 20_000));
    const result = await run(process.execPath, [nextBin, "start", "-p", port], {
      NODE_ENV: "production",
      AUTH_SECRET: SECRET_A,
      RECEIPT_LINK_SECRET: SECRET_R,
      PUBLIC_BASE_URL: "https://pay.example.gov.cn",
      PGLITE_DIR: join(tmpdir(), `paystatus-cli-${process.pid}`),
    });
    expect(result.code).toBe(1);
    expect(errorLines(result)).toHaveLength(1);
    expect(errorLines(result)[0]).toMatch(/^Configuration error: start the production server with npm start/);
  });
});

describe("npm run qr", { timeout: TEST_MS }, () => {
  const dir = mkdtempSync(join(tmpdir(), "paystatus-qr-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const env = { RECEIPT_LINK_SECRET: SECRET_R, PUBLIC_BASE_URL: "https://pay.example.gov.cn" };
  const token = (receiptNo: string) => createHmac("sha256", SECRET_R).update(`r1:${receiptNo}`).digest("base64url").slice(0, 22);

  it("prints the signed status URL of a normalised receipt number and writes a QR image", async () => {
    const png = join(dir, "qr.png");
    const result = await run("npm", ["run", "--silent", "qr", "--", "２０２６ １１００-0000 0011", "--png", png], env);
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toBe(`https://pay.example.gov.cn/r/2026110000000011?t=${token("2026110000000011")}`);
    expect(readFileSync(png).subarray(1, 4).toString()).toBe("PNG");
    expect((await sharp(png).metadata()).width).toBeGreaterThanOrEqual(300);
  });

  it("prints the link without --png too", async () => {
    const result = await run("npm", ["run", "--silent", "qr", "--", "2026110000000037"], env);
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toBe(`https://pay.example.gov.cn/r/2026110000000037?t=${token("2026110000000037")}`);
  });

  it.each([
    ["a wrong check digit", ["2026110000000012"], /^"2026110000000012" is not a valid receipt number \(mistyped\)$/],
    ["no receipt number", [], /^usage: npm run qr -- RECEIPT_NO/],
    ["--png without a file", ["2026110000000011", "--png"], /^--png needs a file name$/],
  ])("refuses %s with one line", async (_name, args, message) => {
    const result = await run("npm", ["run", "--silent", "qr", "--", ...args], env);
    expect(result.code).toBe(1);
    expect(errorLines(result)).toHaveLength(1);
    expect(errorLines(result)[0]).toMatch(message);
  });
});
