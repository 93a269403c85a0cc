import { readdirSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import { NextRequest } from "next/server";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createStaff } from "@/db/queries/staff-accounts";
import { setupTestDatabase } from "@/db/testing/test-db";

/**
 * The route handlers' side of "security is in the data layer": this finds
 * every route.ts under app/, calls each exported method with no session, no
 * token and no secret, and expects a refusal (401, 403, 404, or the way to
 * the staff sign-in page) — except the short public list below. Then an
 * agent's session is refused the supervisor-only routes.
 */
const PUBLIC_ROUTES: Record<string, string> = {
  "api/health/route.ts": "liveness for load balancers (SPEC §3.1)",
  "api/v1/openapi.json/route.ts": "the API's description, public by design",
  "api/auth/[...nextauth]/route.ts": "Auth.js's own endpoints (sign-in, CSRF token, session), public by design",
  // Anyone may follow a tracking link; without the right secret it only redirects, setting no cookie (checked below).
  "(public)/t/[ref]/open/route.ts": "the resident's private tracking link",
};

const session = vi.hoisted(() => ({ current: null as null | { user: { id: string }; sessionVersion: number; expires: string } }));
vi.mock("@/auth", () => ({
  auth: () => Promise.resolve(session.current),
  signIn: () => Promise.reject(new Error("signIn is not part of this test")),
  signOut: () => Promise.resolve(undefined),
  oidcSettings: () => null,
  isCredentialsRefusal: () => false,
  handlers: { GET: () => new Response(null, { status: 400 }), POST: () => new Response(null, { status: 400 }) },
}));
vi.mock("next/headers", () => ({
  headers: () => Promise.resolve(new Headers()),
  cookies: () => Promise.resolve({ get: () => undefined, getAll: () => [], has: () => false, set: () => undefined, delete: () => undefined }),
}));

setupTestDatabase();
afterEach(() => {
  session.current = null;
});

const appDir = fileURLToPath(new URL(".", import.meta.url));
const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
const SAMPLE_PARAMS: Record<string, string> = { ref: "T-AAAA-AAAA", id: "1", attachmentId: "1", no: "2026110000000011" };

function routeFiles(dir = appDir): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return routeFiles(path);
    return entry.name === "route.ts" ? [path] : [];
  });
}

type Handler = (request: NextRequest, context: { params: Promise<Record<string, string | string[]>> }) => Promise<Response>;

async function handlers() {
  const found: { route: string; url: string; method: string; call: () => Promise<Response> }[] = [];
  for (const file of routeFiles()) {
    const route = relative(appDir, file).split(sep).join("/");
    const segments = route.replace(/\/route\.ts$/, "").split("/").filter((s) => !/^\(.*\)$/.test(s));
    const params: Record<string, string | string[]> = {};
    const path = segments
      .map((s) => {
        const dynamic = /^\[(\.\.\.)?(.+)\]$/.exec(s);
        if (!dynamic) return s;
        const value = SAMPLE_PARAMS[dynamic[2]!] ?? "x";
        params[dynamic[2]!] = dynamic[1] ? [value] : value;
        return value;
      })
      .join("/");
    const url = `http://127.0.0.1/${path}`;
    const exported = (await import(/* @vite-ignore */ file)) as Record<string, unknown>;
    for (const method of METHODS) {
      const handler = exported[method] as Handler | undefined;
      if (typeof handler !== "function") continue;
      const body = method === "GET" || method === "DELETE" ? undefined : JSON.stringify({ receipt_no: "2026110000000011" });
      found.push({
        route,
        url,
        method,
        call: () => handler(new NextRequest(url, { method, body, headers: body ? { "content-type": "application/json" } : {} }), { params: Promise.resolve(params) }),
      });
    }
  }
  return found;
}

const isRefusal = (response: Response) =>
  [401, 403, 404].includes(response.status) || ([302, 303, 307].includes(response.status) && (response.headers.get("location") ?? "").includes("/staff/login"));

describe("every route handler", () => {
  it("refuses an anonymous caller unless it is on the public list", async () => {
    const all = await handlers();
    expect(all.length).toBeGreaterThanOrEqual(12);
    for (const route of Object.keys(PUBLIC_ROUTES)) expect(all.map((h) => h.route), `public route ${route} no longer exists`).toContain(route);
    for (const { route, method, call } of all) {
      if (route in PUBLIC_ROUTES) continue;
      const response = await call();
      expect(isRefusal(response), `${method} ${route} answered ${response.status} to an anonymous caller`).toBe(true);
    }
  });

  it("a tracking link without its secret sets no cookie", async () => {
    const open = (await handlers()).find((h) => h.route === "(public)/t/[ref]/open/route.ts")!;
    const response = await open.call();
    expect(response.headers.get("set-cookie")).toBeNull();
  });

  it("refuses an agent the supervisors' routes", async () => {
    const { id } = await createStaff("cli", { email: `rh-agent-${randomBytes(4).toString("hex")}@paystatus.test`, role: "agent", queues: ["bank_liaison"], password: null });
    session.current = { user: { id: String(id) }, sessionVersion: 1, expires: new Date(Date.now() + 3600_000).toISOString() };
    const exports = (await handlers()).find((h) => h.route === "staff/exports/tickets.csv/route.ts")!;
    expect((await exports.call()).status).toBe(403);
  });
});
