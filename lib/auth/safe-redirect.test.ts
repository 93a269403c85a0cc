import { describe, expect, it } from "vitest";
import { safeCallbackPath, safeRedirectUrl } from "./safe-redirect";

const base = "http://127.0.0.1:3000";

describe("safeCallbackPath", () => {
  it.each([
    ["/staff", "/staff"],
    ["/staff/admin/staff?tab=1#top", "/staff/admin/staff?tab=1#top"],
    ["/r/2026110000000011", "/r/2026110000000011"],
    ["http://127.0.0.1:3000/staff/queues", "/staff/queues"],
    ["/staff/../staff/queues", "/staff/queues"],
    // other origins, protocol-relative and scheme tricks
    ["https://evil.example", "/staff"],
    ["https://evil.example/staff", "/staff"],
    ["//evil.example/staff", "/staff"],
    ["/\\evil.example", "/staff"],
    ["\\\\evil.example", "/staff"],
    ["/\tevil", "/staff"],
    ["/%0a/evil", "/%0a/evil"],
    ["javascript:alert(1)", "/staff"],
    ["data:text/html,hi", "/staff"],
    ["http://127.0.0.1:3001/staff", "/staff"],
    ["https://127.0.0.1:3000/staff", "/staff"],
    ["http://user@127.0.0.1:3000@evil.example/", "/staff"],
    ["staff", "/staff"],
    ["", "/staff"],
    [null, "/staff"],
    [undefined, "/staff"],
    ["/" + "a".repeat(3000), "/staff"],
    // no loops back into sign-in
    ["/staff/login", "/staff"],
    ["/api/auth/signout", "/staff"],
  ])("%s → %s", (target, expected) => {
    expect(safeCallbackPath(target, base)).toBe(expected);
  });

  it("uses the given fallback", () => {
    expect(safeCallbackPath("https://evil.example", base, "/")).toBe("/");
  });

  it("answers Auth.js with an absolute URL on the same origin", () => {
    expect(safeRedirectUrl("https://evil.example/x", base)).toBe(`${base}/staff`);
    expect(safeRedirectUrl("/staff/admin/staff", base)).toBe(`${base}/staff/admin/staff`);
  });
});
