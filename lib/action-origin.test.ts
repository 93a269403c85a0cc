import { describe, expect, it } from "vitest";
import { actionOriginRefusal, actionOriginRefusalResponse, isServerActionRequest, publicHost } from "./action-origin.mjs";

const ACTION = { "next-action": "7f".padEnd(42, "0"), "content-type": "text/plain;charset=UTF-8" };
const FORM = { "content-type": "multipart/form-data; boundary=----x" };
const BASE = "https://pay.example.gov.cn";

type Case = [string, { method?: string; path?: string; headers: Record<string, string>; base?: string }, ReturnType<typeof actionOriginRefusal>];

describe("actionOriginRefusal", () => {
  it.each<Case>([
    ["same origin as PUBLIC_BASE_URL (fetch action)", { headers: { ...ACTION, origin: BASE, host: "10.0.0.5:3000" }, base: BASE }, null],
    ["same origin as PUBLIC_BASE_URL (no-JS form)", { headers: { ...FORM, origin: BASE }, base: BASE }, null],
    ["explicit default port is the same origin", { headers: { ...FORM, origin: BASE }, base: "https://pay.example.gov.cn:443/" }, null],
    ["other port", { headers: { ...ACTION, origin: "https://pay.example.gov.cn:8443", host: "pay.example.gov.cn" }, base: BASE }, "foreign_origin"],
    ["not PUBLIC_BASE_URL but the host it was sent to (the demo opened as 127.0.0.1)", { headers: { ...FORM, origin: "http://127.0.0.1:3000", host: "127.0.0.1:3000" }, base: "http://localhost:3000" }, null],
    ["other scheme", { headers: { ...FORM, origin: "http://pay.example.gov.cn" }, base: BASE }, "foreign_origin"],
    ["other host", { headers: { ...ACTION, origin: "https://evil.example", host: "pay.example.gov.cn" }, base: BASE }, "foreign_origin"],
    ["another site's page posting here (its Origin, this Host)", { headers: { ...FORM, origin: "http://evil.example", host: "pay.example.gov.cn", "x-forwarded-host": "pay.example.gov.cn" }, base: BASE }, "foreign_origin"],
    ["absent Origin on a Next-Action request", { headers: { ...ACTION }, base: BASE }, "no_origin"],
    ["absent Origin on a form post", { headers: { ...FORM }, base: BASE }, "no_origin"],
    ["null origin", { headers: { ...FORM, origin: "null" }, base: BASE }, "null_origin"],
    ["an origin that is not a URL", { headers: { ...ACTION, origin: "pay.example.gov.cn" }, base: BASE }, "foreign_origin"],
    ["no PUBLIC_BASE_URL: Origin matches Host", { headers: { ...ACTION, origin: "http://127.0.0.1:3000", host: "127.0.0.1:3000" } }, null],
    ["no PUBLIC_BASE_URL: other port than Host", { headers: { ...ACTION, origin: "http://127.0.0.1:3450", host: "127.0.0.1:3451" } }, "foreign_origin"],
    ["no PUBLIC_BASE_URL: X-Forwarded-Host first, as Next.js compares", { headers: { ...FORM, origin: "https://pay.example.gov.cn", host: "10.0.0.5:3000", "x-forwarded-host": "pay.example.gov.cn, proxy.internal" } }, null],
    ["no PUBLIC_BASE_URL: Host alone does not do when X-Forwarded-Host differs", { headers: { ...FORM, origin: "http://10.0.0.5:3000", host: "10.0.0.5:3000", "x-forwarded-host": "pay.example.gov.cn" } }, "foreign_origin"],
    ["GET is not affected", { method: "GET", headers: { origin: "https://evil.example" }, base: BASE }, null],
    ["HEAD is not affected", { method: "HEAD", headers: { ...ACTION }, base: BASE }, null],
    ["/api/ routes are not affected (channel notifications send no Origin)", { path: "/api/v1/channels/wechat/notify", headers: { "content-type": "application/json" }, base: BASE }, null],
    ["/api/ routes are not affected (multipart from an API client)", { path: "/api/v1/receipts", headers: { ...FORM, origin: "https://evil.example" }, base: BASE }, null],
    ["/api/auth is not affected (Auth.js checks its own CSRF token)", { path: "/api/auth/callback/credentials", headers: { "content-type": "application/x-www-form-urlencoded" }, base: BASE }, null],
    ["a URL-encoded post is not a server action", { path: "/bench/post", headers: { "content-type": "application/x-www-form-urlencoded" }, base: BASE }, null],
    ["a JSON post is not a server action", { path: "/bench/post", headers: { "content-type": "application/json" }, base: BASE }, null],
  ])("%s", (_name, { method = "POST", path = "/r/2026110000000011/ticket", headers, base }, expected) => {
    const header = (name: string) => headers[name];
    expect(actionOriginRefusal({ method, pathname: path, header, publicBaseUrl: base })).toBe(expected);
  });

  it("reads Headers and Node's header arrays alike", () => {
    const h = new Headers({ ...ACTION, origin: BASE });
    expect(actionOriginRefusal({ method: "post", pathname: "/", header: (n) => h.get(n), publicBaseUrl: BASE })).toBeNull();
    expect(isServerActionRequest("POST", "/", (n) => (n === "content-type" ? ["multipart/form-data; boundary=x"] : undefined))).toBe(true);
  });
});

describe("publicHost", () => {
  it.each([
    ["https://pay.example.gov.cn", "pay.example.gov.cn"],
    ["http://127.0.0.1:3450/", "127.0.0.1:3450"],
    ["", undefined],
    [undefined, undefined],
    ["not a url", undefined],
  ])("%j → %j", (input, output) => expect(publicHost(input)).toBe(output));
});

describe("actionOriginRefusalResponse", () => {
  it("answers a page in Chinese first, then English", () => {
    const { status, headers, body } = actionOriginRefusalResponse("/r/x/ticket");
    expect(status).toBe(403);
    expect(headers["Content-Type"]).toContain("text/html");
    expect(body.indexOf("未予受理")).toBeLessThan(body.indexOf("Not accepted"));
  });
  it("answers JSON under /api/", () => {
    const { headers, body } = actionOriginRefusalResponse("/api/v1/tickets");
    expect(headers["Content-Type"]).toBe("application/json");
    expect(JSON.parse(body)).toEqual({ error: "foreign_origin" });
  });
});
