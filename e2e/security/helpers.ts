import { spawn, type ChildProcess } from "node:child_process";
import { randomInt } from "node:crypto";
import { performance } from "node:perf_hooks";
import type { APIRequestContext, APIResponse, Locator, Page } from "@playwright/test";

/**
 * Shared pieces of the issue-12 security suite: posting a rendered form as an attacker would (same
 * fields, anything changed), measuring /api/health while an attack runs, and a second server of
 * the same build with its own store and settings whose every log line the test can read.
 */

/** The fields of a rendered no-JS form (server action id included) and where it posts. */
export async function renderedForm(page: Page, form: Locator): Promise<{ action: string; fields: [string, string][] }> {
  const fields = await form.evaluate((f: HTMLFormElement) =>
    [...new FormData(f)].flatMap(([name, value]) => (typeof value === "string" ? [[name, value] as [string, string]] : [])),
  );
  const action = new URL((await form.getAttribute("action")) || page.url(), page.url()).toString();
  return { action, fields };
}

export const randomClient = () => `198.19.${randomInt(0, 255)}.${randomInt(1, 254)}`;

export type Upload = { name: string; type: string; bytes: Buffer };

export async function postForm(
  request: APIRequestContext,
  target: { action: string; fields: [string, string][] },
  change: Record<string, string> = {},
  files: Upload[] = [],
  headers: Record<string, string> = {},
): Promise<APIResponse> {
  const data = new FormData();
  for (const [name, value] of target.fields) if (!(name in change)) data.append(name, value);
  for (const [name, value] of Object.entries(change)) data.append(name, value);
  for (const file of files) data.append("proof", new File([new Uint8Array(file.bytes)], file.name, { type: file.type }));
  // Its own client unless told otherwise (the browser tests' server trusts one proxy hop: the test runner).
  return request.post(target.action, {
    multipart: data,
    headers: { origin: new URL(target.action).origin, "x-forwarded-for": randomClient(), ...headers },
    maxRedirects: 0,
    timeout: 60_000,
  });
}

/** /api/health answered back to back, every `gapMs`, for as long as `attack` runs; returns each latency in ms. */
export async function healthDuring<T>(baseURL: string, attack: () => Promise<T>, gapMs = 25): Promise<{ result: T; latencies: number[] }> {
  const latencies: number[] = [];
  let running = true;
  const probe = (async () => {
    while (running) {
      const start = performance.now();
      const response = await fetch(`${baseURL}/api/health`, { cache: "no-store" });
      await response.arrayBuffer();
      latencies.push(performance.now() - start);
      await new Promise((r) => setTimeout(r, gapMs));
    }
  })();
  try {
    const result = await attack();
    return { result, latencies };
  } finally {
    running = false;
    await probe;
  }
}

export const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
};
export const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? NaN;
};

/** A second server of the build (e2e/serve.ts: fresh embedded store, demo data), its output kept line by line. */
export class SecondServer {
  readonly lines: string[] = [];
  private constructor(
    readonly child: ChildProcess,
    readonly baseURL: string,
  ) {}

  static async start(port: number, env: Record<string, string>): Promise<SecondServer> {
    const child = spawn(process.execPath, ["--import", "tsx", "--conditions=react-server", "e2e/serve.ts"], {
      env: {
        ...process.env,
        PORT: String(port),
        PGLITE_DIR: `.data/e2e-${port}/pglite`,
        DATABASE_URL: "",
        PAYSTATUS_INSECURE_COOKIES: "1",
        PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
        ...env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const server = new SecondServer(child, `http://127.0.0.1:${port}`);
    for (const stream of [child.stdout, child.stderr]) {
      let rest = "";
      stream.on("data", (chunk: Buffer) => {
        const parts = (rest + chunk.toString("utf8")).split("\n");
        rest = parts.pop() ?? "";
        server.lines.push(...parts);
      });
    }
    const deadline = Date.now() + 180_000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`second server exited:\n${server.lines.join("\n")}`);
      try {
        if ((await fetch(`${server.baseURL}/api/health`)).ok) return server;
      } catch {
        // not up yet
      }
      await new Promise((r) => setTimeout(r, 500));
    }
    throw new Error(`second server did not start:\n${server.lines.join("\n")}`);
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((r) => this.child.once("exit", r));
    this.child.kill("SIGTERM");
    await exited;
  }
}

/** The message shown under a form field in a rendered page (not the catalogue in the page's payload). */
export function fieldError(html: string, field: string): string | null {
  return new RegExp(`id="field-${field}-error"[^>]*>([^<]*)</p>`).exec(html)?.[1] ?? null;
}

/** The code of the page's error summary, if any. */
export const errorCode = (html: string) => /role="alert"[^>]*data-error="([a-z_]+)"/.exec(html)?.[1] ?? null;
