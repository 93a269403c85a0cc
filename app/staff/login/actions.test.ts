import { randomBytes } from "node:crypto";
import { describe, expect, it, vi } from "vitest";
import { authorizeCredentials, SignInThrottledError } from "@/db/queries/staff-sign-in";
import { confirmTotpEnrolment, startTotpEnrolment } from "@/db/queries/staff-totp";
import { totpCode } from "@/lib/auth/totp";
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
const request = vi.hoisted(() => ({ socket: "203.0.113.7", cookies: new Map<string, string>() }));
const requestHeaders = () => new Headers({ host: "127.0.0.1:3000", "x-forwarded-for": "6.6.6.6", "x-paystatus-socket-address": request.socket });
vi.mock("next/headers", () => ({
  headers: () => Promise.resolve(requestHeaders()),
  cookies: () =>
    Promise.resolve({
      get: (name: string) => (request.cookies.has(name) ? { name, value: request.cookies.get(name)! } : undefined),
      set: (name: string, value: string) => void request.cookies.set(name, value),
      delete: (options: { name: string }) => void request.cookies.delete(options.name),
    }),
}));
vi.mock("@/auth", () => ({
  oidcSettings: () => null,
  auth: () => Promise.resolve(null),
  isCredentialsRefusal: (error: unknown) => (error as { type?: string }).type === "CredentialsSignin",
  throttledMinutes: (error: unknown) => {
    const code = (error as { code?: string }).code ?? "";
    return code.startsWith("rate_limited_") ? Number(code.slice(13)) : null;
  },
  // What Auth.js does for credentials: its authorize() (the real one, with the request's headers), then the redirect callback.
  signIn: async (_provider: string, { redirectTo, redirect: _redirect, ...credentials }: { redirectTo: string; redirect?: boolean }) => {
    let user;
    try {
      user = await authorizeCredentials(credentials, requestHeaders());
    } catch (error) {
      if (error instanceof SignInThrottledError) throw Object.assign(new Error("CredentialsSignin"), { type: "CredentialsSignin", code: `rate_limited_${Math.ceil(error.retryAfterSeconds / 60)}` });
      throw error;
    }
    if (!user) throw Object.assign(new Error("CredentialsSignin"), { type: "CredentialsSignin" });
    return safeRedirectUrl(redirectTo, "http://127.0.0.1:3000");
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

describe("the second step", () => {
  const CHALLENGE = "ps_staff_challenge";

  async function enrolledSupervisor() {
    const email = `sup-${randomBytes(4).toString("hex")}@paystatus.test`;
    const { id } = await createStaff("cli", { email, role: "supervisor", queues: [], password: PASSWORD });
    const enrolment = await startTotpEnrolment(id);
    if (enrolment?.state !== "pending") throw new Error("pending");
    const past = new Date(Date.now() - 60_000);
    const confirmed = await confirmTotpEnrolment(id, totpCode(enrolment.secret, past), "enrol-client", undefined, past);
    if (!confirmed.ok) throw new Error("enrolment refused");
    return { email, secret: enrolment.secret, recoveryCodes: confirmed.recoveryCodes };
  }

  it("a right password for an enrolled account leads to the code step, not to a session; a wrong code is refused, a right one signs in", async () => {
    const { signInAction, secondFactorAction } = await import("./actions");
    request.socket = "198.51.100.90";
    request.cookies.clear();
    const member = await enrolledSupervisor();
    expect(await redirectOf(signInAction(undefined, form({ email: member.email, password: PASSWORD, callbackUrl: "/staff/dashboard" })))).toBe("/staff/login/code?callbackUrl=%2Fstaff%2Fdashboard");
    const token = request.cookies.get(CHALLENGE);
    expect(token).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    expect(await secondFactorAction(undefined, form({ code: "12345", callbackUrl: "/staff/dashboard" }))).toEqual({ code: "invalid" });
    expect(await secondFactorAction(undefined, form({ code: "000000", callbackUrl: "/staff/dashboard" }))).toEqual({ code: "wrong_code" });
    expect(await redirectOf(secondFactorAction(undefined, form({ code: totpCode(member.secret), callbackUrl: "/staff/dashboard" })))).toBe("/staff/dashboard");
    // Spent: the cookie is gone, and the token is worth nothing any more.
    expect(request.cookies.has(CHALLENGE)).toBe(false);
    expect(await authorizeCredentials({ challenge: token, code: totpCode(member.secret) }, requestHeaders())).toBeNull();
    expect(await secondFactorAction(undefined, form({ code: totpCode(member.secret) }))).toEqual({ code: "expired" });
  });

  it("a recovery code stands in for the code once", async () => {
    const { signInAction, secondFactorAction } = await import("./actions");
    request.socket = "198.51.100.91";
    request.cookies.clear();
    const member = await enrolledSupervisor();
    const code = member.recoveryCodes[0]!;
    await redirectOf(signInAction(undefined, form({ email: member.email, password: PASSWORD })));
    expect(await redirectOf(secondFactorAction(undefined, form({ code })))).toBe("/staff");
    await redirectOf(signInAction(undefined, form({ email: member.email, password: PASSWORD })));
    expect(await secondFactorAction(undefined, form({ code }))).toEqual({ code: "wrong_code" });
  });

  it("authorize() itself (what POST /api/auth/callback/credentials reaches) never starts a session on a password alone when a second factor is owed", async () => {
    request.socket = "198.51.100.92";
    const member = await enrolledSupervisor();
    expect(await authorizeCredentials({ email: member.email, password: PASSWORD }, requestHeaders())).toBeNull();
    // Nor on a challenge token without its code.
    const { signInAction } = await import("./actions");
    request.cookies.clear();
    await redirectOf(signInAction(undefined, form({ email: member.email, password: PASSWORD })));
    expect(await authorizeCredentials({ challenge: request.cookies.get(CHALLENGE) }, requestHeaders())).toBeNull();
    // An agent without a second factor signs in on the password, as before.
    const agent = `agent-${randomBytes(4).toString("hex")}@paystatus.test`;
    await createStaff("cli", { email: agent, role: "agent", queues: [], password: PASSWORD });
    expect(await authorizeCredentials({ email: agent, password: PASSWORD }, requestHeaders())).toMatchObject({ sessionVersion: 1 });
  });

  it("wrong codes slow the client like wrong passwords", async () => {
    const { signInAction, secondFactorAction } = await import("./actions");
    request.socket = "198.51.100.93";
    request.cookies.clear();
    const member = await enrolledSupervisor();
    await redirectOf(signInAction(undefined, form({ email: member.email, password: PASSWORD })));
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push((await secondFactorAction(undefined, form({ code: "000000" }))).code);
    expect(answers).toEqual(["wrong_code", "wrong_code", "wrong_code", "rate_limited"]);
    expect(await secondFactorAction(undefined, form({ code: totpCode(member.secret) }))).toMatchObject({ code: "rate_limited", retryAfterMinutes: 1 });
  });

  it("a supervisor without a second factor is sent to enrol, with no session", async () => {
    const { signInAction } = await import("./actions");
    request.socket = "198.51.100.94";
    request.cookies.clear();
    const email = `new-sup-${randomBytes(4).toString("hex")}@paystatus.test`;
    await createStaff("cli", { email, role: "admin", queues: [], password: PASSWORD });
    expect(await redirectOf(signInAction(undefined, form({ email, password: PASSWORD })))).toBe("/staff/two-factor?callbackUrl=%2Fstaff");
    expect(await authorizeCredentials({ challenge: request.cookies.get(CHALLENGE) }, requestHeaders())).toBeNull();
  });
});
