import { afterEach, describe, expect, it, vi } from "vitest";
import { logRequestError, logUnexpected, requestContext } from "./log";

/** Runs `fn` as the HTTP server runs a request: inside the request context, under the id it chose. */
function inRequest<T>(headers: Record<string, string>, fn: () => T): T {
  return requestContext().run({ requestId: headers["x-request-id"]! }, fn);
}

function captured(spy: { mock: { calls: unknown[][] } }): Record<string, unknown>[] {
  return spy.mock.calls.map((call) => JSON.parse(String(call[0])) as Record<string, unknown>);
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("logUnexpected", () => {
  it("inside a request, logs under the request id and returns it for the page to show", () => {
    const spy = vi.spyOn(console, "error").mockImplementation(() => {});
    const shown = inRequest({ "x-request-id": "0123456789abcdef" }, () => logUnexpected("lookup_failed", Object.assign(new Error("select * from receipts where phone = '13800138000'"), { code: "57P01" })));
    expect(shown).toBe("0123456789abcdef");
    const [line] = captured(spy);
    expect(line).toMatchObject({ level: "error", event: "lookup_failed", requestId: "0123456789abcdef", errorId: "0123456789abcdef", errorName: "Error", errorCode: "57P01" });
    // The driver's message (SQL, values) is never written.
    expect(JSON.stringify(line)).not.toContain("13800138000");
  });

  it("outside a request (scripts, the worker), makes a fresh id", () => {
    const spy = vi.spyOn(console, "error").mockImplementation(() => {});
    const shown = logUnexpected("worker_job_failed", new Error("x"));
    expect(shown).toMatch(/^[0-9a-f]{12}$/);
    expect(captured(spy)[0]).toMatchObject({ errorId: shown });
    expect(captured(spy)[0]).not.toHaveProperty("requestId");
  });
});

describe("logRequestError (instrumentation onRequestError)", () => {
  it("logs the request id, the route pattern and the digest — never the path or the message", () => {
    const spy = vi.spyOn(console, "error").mockImplementation(() => {});
    const error = Object.assign(new Error("relation receipts does not exist for 2026110000000045"), { digest: "4242" });
    logRequestError(error, { method: "GET", headers: { "x-request-id": "fedcba9876543210" } }, { routePath: "/r/[receipt]", routeType: "render" });
    const [line] = captured(spy);
    expect(line).toMatchObject({ event: "request_failed", requestId: "fedcba9876543210", route: "/r/[receipt]", routeType: "render", digest: "4242", method: "GET" });
    expect(JSON.stringify(line)).not.toContain("2026110000000045");
  });
});
