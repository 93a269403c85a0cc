import { randomBytes } from "node:crypto";
import { describe, expect, it, vi } from "vitest";
import { authorizeCredentials, SignInThrottledError } from "@/db/queries/staff-sign-in";
import { createStaff } from "@/db/queries/staff-accounts";
import { setupTestDatabase } from "@/db/testing/test-db";
import { SIGN_IN_CLIENT_LIMIT } from "@/lib/auth/throttle";
import { safeRedirectUrl } from "@/lib/auth/safe-redirect";
import { redirectOf } from "@/app/testing";

/**
 * The sign-in action around Auth.js: Auth.js itself cannot load outside Next's
 * bundler, so `signIn` is stood in for by what it does for credentials — the
 * real password check against the test database, then the redirect callback.
 */
const request = vi.hoisted(() => ({ socket: "203.0.113.7" }));
const requestHeaders = () => new Headers({ host: "127.0.0.1:3000", "x-forwarded-for": "6.6.6.6", "x-paystatus-socket-address": request.socket });
vi.mock("next/headers", () => ({
  headers: () => Promise.resolve(requestHeaders()),
  cookies: () => Promise.resolve({ get: () => undefined, set: () => undefined }),
}));
vi.mock("@/auth", () => ({
  oidcSettings: () => null,
  isCredentialsRefusal: (error: unknown) => (error as { type?: string }).type === "CredentialsSignin",
  throttledMinutes: (error: unknown) => {
    const code = (error as { code?: string }).code ?? "";
    return code.startsWith("rate_limited_") ? Number(code.slice(13)) : null;
  },
  // What Auth.js does for credentials: its authorize() (the real one, with the request's headers), then the redirect callback.
  signIn: async (_provider: string, options: { email: string; password: string; redirectTo: string }) => {
    let user;
    try {
      user = await authorizeCredentials({ email: options.email, password: options.password }, requestHeaders());
    } catch (error) {
      if (error instanceof SignInThrottledError) throw Object.assign(new Error("CredentialsSignin"), { type: "CredentialsSignin", code: `rate_limited_${Math.ceil(error.retryAfterSeconds / 60)}` });
      throw error;
    }
    if (!user) throw Object.assign(new Error("CredentialsSignin"), { type: "CredentialsSignin" });
    return safeRedirectUrl(options.redirectTo, "http://127.0.0.1:3000");
  },
}));

setupTestDatabase();
const PASSWORD = "a long enough password";

const form = (fields: Record<string, string>) => {
  const data = new FormData();
  for (const [k, v] of Object.entries(fields)) data.set(k, v);
  return data;
};


describe("signInAction", () => {
  it("signs in and goes to the same-origin callbackUrl, ignoring other origins", async () => {
    const { signInAction } = await import("./actions");
    const email = `login-${randomBytes(4).toString("hex")}@paystatus.test`;
    await createStaff("cli", { email, role: "agent", queues: [], password: PASSWORD });
    expect(await redirectOf(signInAction(undefined, form({ email, password: PASSWORD, callbackUrl: "/staff/admin/staff" })))).toBe("/staff/admin/staff");
    expect(await redirectOf(signInAction(undefined, form({ email, password: PASSWORD, callbackUrl: "https://evil.example/x" })))).toBe("/staff");
    expect(await redirectOf(signInAction(undefined, form({ email, password: PASSWORD, callbackUrl: "//evil.example" })))).toBe("/staff");
  });

  it("answers a wrong password and an unknown email alike, and keeps the email but not the password", async () => {
    const { signInAction } = await import("./actions");
    const email = `login-${randomBytes(4).toString("hex")}@paystatus.test`;
    await createStaff("cli", { email, role: "agent", queues: [], password: PASSWORD });
    expect(await signInAction(undefined, form({ email, password: "wrong password" }))).toEqual({ code: "invalid_credentials", email });
    expect(await signInAction(undefined, form({ email: "nobody@paystatus.test", password: "wrong password" }))).toEqual({ code: "invalid_credentials", email: "nobody@paystatus.test" });
    expect(await signInAction(undefined, form({ email: "", password: "" }))).toEqual({ code: "invalid", email: "" });
  });

  it(`refuses a client after ${SIGN_IN_CLIENT_LIMIT.limit} attempts, whichever accounts it tries`, async () => {
    const { signInAction } = await import("./actions");
    request.socket = "198.51.100.23";
    for (let i = 0; i < SIGN_IN_CLIENT_LIMIT.limit; i++) {
      expect((await signInAction(undefined, form({ email: `spray-${i}@paystatus.test`, password: "Winter2026!!" }))).code).toBe("invalid_credentials");
    }
    const refused = await signInAction(undefined, form({ email: "spray-x@paystatus.test", password: "Winter2026!!" }));
    expect(refused).toMatchObject({ code: "rate_limited", retryAfterMinutes: 15 });
    request.socket = "198.51.100.24";
    expect((await signInAction(undefined, form({ email: "spray-y@paystatus.test", password: "Winter2026!!" }))).code).toBe("invalid_credentials");
  });

  it("slows a client that keeps failing on one account, while the owner from a clean client signs in", async () => {
    const { signInAction } = await import("./actions");
    const email = `owner-${randomBytes(4).toString("hex")}@paystatus.test`;
    await createStaff("cli", { email, role: "agent", queues: [], password: PASSWORD });
    request.socket = "198.51.100.66";
    const answers = [];
    for (let i = 0; i < 6; i++) answers.push((await signInAction(undefined, form({ email, password: `guess-${i}-password` }))).code);
    expect(answers).toEqual(["invalid_credentials", "invalid_credentials", "invalid_credentials", "rate_limited", "rate_limited", "rate_limited"]);
    // Not a lock: the right password from the attacker's client still waits…
    expect(await signInAction(undefined, form({ email, password: PASSWORD }))).toMatchObject({ code: "rate_limited", retryAfterMinutes: 1 });
    // …while the owner, elsewhere, is in.
    request.socket = "198.51.100.67";
    expect(await redirectOf(signInAction(undefined, form({ email, password: PASSWORD })))).toBe("/staff");
  });
});
