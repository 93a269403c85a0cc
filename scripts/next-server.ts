import { spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { createRequire } from "node:module";

const nextBin = createRequire(import.meta.url).resolve("next/dist/bin/next");

/** Runs `next build` in the foreground; throws when it fails. */
export function buildNext(): void {
  const result = spawnSync(process.execPath, [nextBin, "build"], { stdio: "inherit", env: { ...process.env, NODE_ENV: "production" } });
  if (result.status !== 0) throw new Error("next build failed");
}

/**
 * The command line of a production server: scripts/http-server.mjs (socket address header, 413 before
 * reading, no query strings in logs) around the build — never bare `next start`.
 */
export function productionServerArgs(port: number, hostname?: string): string[] {
  return [join(process.cwd(), "scripts", "http-server.mjs"), "-p", String(port), ...(hostname ? ["-H", hostname] : [])];
}

/** Serves the production build; forwards SIGINT/SIGTERM and exits with the server. */
export function startNext(port: number, extraEnv: Record<string, string> = {}): void {
  const child = spawn(process.execPath, productionServerArgs(port), {
    stdio: "inherit",
    env: { ...process.env, ...extraEnv, NODE_ENV: "production" },
  });
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => child.kill(signal));
  child.on("exit", (code) => process.exit(code ?? 0));
}

/** True when there is no production build, or a source file is newer than it. */
export function buildIsStale(): boolean {
  const buildId = join(process.env.NEXT_DIST_DIR || ".next", "BUILD_ID");
  if (!existsSync(buildId)) return true;
  const builtAt = statSync(buildId).mtimeMs;
  const newer = (dir: string): boolean =>
    existsSync(dir) &&
    readdirSync(dir, { withFileTypes: true }).some((entry) => {
      const path = join(dir, entry.name);
      return entry.isDirectory() ? newer(path) : statSync(path).mtimeMs > builtAt;
    });
  const files = ["next.config.mjs", "postcss.config.mjs", "package-lock.json", "proxy.ts", "auth.ts", "instrumentation.ts", "instrumentation-node.ts"];
  return ["app", "components", "lib", "db"].some(newer) || files.some((f) => existsSync(f) && statSync(f).mtimeMs > builtAt);
}
