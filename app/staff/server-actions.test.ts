import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it, vi } from "vitest";
import { auditEvents, staff } from "@/db/schema";
import { createStaff } from "@/db/queries/staff-accounts";
import { setupTestDatabase } from "@/db/testing/test-db";

/**
 * STYLE "Server actions": nothing exported from a "use server" file escapes
 * the wrappers. This finds every such file under app/, calls every export with
 * no session, and expects a refusal — except the short public list below.
 *
 * Only the Auth.js session reader is replaced (Auth.js cannot load outside
 * Next's bundler); the session it returns then goes through the real data
 * layer, which loads the staff row from the test database.
 */
const PUBLIC_ACTIONS = new Set([
  "lookupAction", // resident lookup (app/(public)/actions.ts)
  "setLocaleAction", // language switcher (app/actions.ts)
  "setElderModeAction", // elder mode switch (app/actions.ts)
  "signInAction", // staff email + password sign-in (app/staff/login/actions.ts)
  "oidcSignInAction", // staff single sign-on start (app/staff/login/actions.ts)
  "secondFactorAction", // staff sign-in, the code step: before any session (app/staff/login/actions.ts)
  "twoFactorAction", // TOTP enrolment: before the session of a supervisor/admin, or for the signed-in staff member (app/staff/two-factor/actions.ts)
  // Resident ticket actions: no account by design; each proves access itself — the receipt's QR token or
  // lookup cookie, or the ticket's tracking secret, checked in db/queries/tickets.ts (see tickets.test.ts).
  "openTicketAction",
  "reportMissingReceiptAction", // the lookup's "still can't find it?": proves nothing, so always routed as a missing record with proof, within per-client, per-receipt and upload limits
  "residentReplyAction",
  "rateTicketAction",
  // "Tell me when it posts" (app/(public)/subscribe-actions.ts): subscribing needs the receipt's QR token or
  // lookup cookie; unsubscribing, the signed token of a notice.
  "subscribeAction",
  "unsubscribeAction",
]);

const session = vi.hoisted(() => ({ current: null as null | { user: { id: string }; sessionVersion: number; expires: string } }));
vi.mock("@/auth", () => ({
  auth: () => Promise.resolve(session.current),
  signIn: () => Promise.reject(new Error("signIn is not part of this test")),
  signOut: () => Promise.resolve(undefined),
  oidcSettings: () => null,
  isCredentialsRefusal: () => false,
  throttledMinutes: () => null,
}));
// An anonymous request: no cookies, no headers (next/headers needs a live Next request otherwise).
vi.mock("next/headers", () => ({
  headers: () => Promise.resolve(new Headers()),
  cookies: () => Promise.resolve({ get: () => undefined, getAll: () => [], has: () => false, set: () => undefined, delete: () => undefined }),
}));
// revalidatePath needs a Next request; the refresh itself is not under test.
vi.mock("next/cache", () => ({ revalidatePath: () => undefined, revalidateTag: () => undefined }));

const { handle } = setupTestDatabase();
afterEach(() => {
  session.current = null;
});

const appDir = fileURLToPath(new URL("..", import.meta.url));

function serverActionFiles(dir = appDir): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return serverActionFiles(path);
    if (!/\.(ts|tsx)$/.test(entry.name) || entry.name.includes(".test.")) return [];
    const firstStatement = readFileSync(path, "utf8").replace(/^(\s|\/\/[^\n]*\n|\/\*[\s\S]*?\*\/)*/, "");
    return /^["']use server["']/.test(firstStatement) ? [path] : [];
  });
}

async function exportedActions() {
  const actions: { file: string; name: string; fn: (...args: never[]) => Promise<unknown> }[] = [];
  for (const file of serverActionFiles()) {
    const exported = (await import(/* @vite-ignore */ file)) as Record<string, unknown>;
    for (const [name, value] of Object.entries(exported)) {
      expect(typeof value, `${relative(appDir, file)} exports ${name}, which is not a function`).toBe("function");
      actions.push({ file: relative(appDir, file), name, fn: value as (...args: never[]) => Promise<unknown> });
    }
  }
  return actions;
}

/** Refusal codes: the staff wrapper's `unauthorized`, and `not_allowed` for resident actions without a lookup proof or tracking link. */
const REFUSAL_CODES = new Set(["unauthorized", "not_allowed"]);
const isRefusal = (result: unknown) => {
  const r = result as { ok?: unknown; code?: unknown } | null | undefined;
  return typeof r === "object" && r !== null && r.ok !== true && typeof r.code === "string" && REFUSAL_CODES.has(r.code);
};

/** A refusal result, or a redirect to the sign-in page (reported as `unauthorized`). */
async function outcome(fn: (...args: never[]) => Promise<unknown>, form: FormData): Promise<unknown> {
  // `(formData)` for plain form actions, `(previousState, formData)` for useActionState ones.
  const call = fn as unknown as (...args: unknown[]) => Promise<unknown>;
  try {
    return await (fn.length <= 1 ? call(form) : call(undefined, form));
  } catch (error) {
    const digest = (error as { digest?: string }).digest ?? "";
    if (digest.startsWith("NEXT_REDIRECT") && digest.includes("/staff/login")) return { ok: false, code: "unauthorized" };
    throw error;
  }
}

async function staffMember(role: "agent" | "admin") {
  const email = `sa-${role}-${randomBytes(4).toString("hex")}@paystatus.test`;
  const { id } = await createStaff("cli", { email, role, queues: ["bank_liaison"], password: null });
  return { id, email };
}
const signInAs = (id: number, sessionVersion = 1) => {
  session.current = { user: { id: String(id) }, sessionVersion, expires: new Date(Date.now() + 3600_000).toISOString() };
};

describe("every server action", () => {
  it("finds the server action files", async () => {
    const actions = await exportedActions();
    expect(actions.length).toBeGreaterThanOrEqual(PUBLIC_ACTIONS.size + 4);
    for (const name of PUBLIC_ACTIONS) expect(actions.map((a) => a.name), `public action ${name} no longer exists`).toContain(name);
  });

  it("every export of every \"use server\" file is made with staffAction or publicAction", async () => {
    const { actionKind } = await import("../action-kind");
    const unwrapped = (await exportedActions()).filter(({ fn }) => actionKind(fn) === undefined).map(({ file, name }) => `${file} ${name}`);
    expect(unwrapped).toEqual([]);
    // And the public list is exactly the publicAction ones: nothing public by accident.
    const publicOnes = (await exportedActions()).filter(({ fn }) => actionKind(fn) === "public").map(({ name }) => name);
    expect(new Set(publicOnes)).toEqual(PUBLIC_ACTIONS);
  });

  it("refuses an anonymous caller unless it is on the public list", async () => {
    const refused: string[] = [];
    for (const { file, name, fn } of await exportedActions()) {
      if (PUBLIC_ACTIONS.has(name)) continue;
      for (const form of [new FormData(), formWith({ staffId: "1", disabled: "true", role: "admin" })]) {
        const result = await outcome(fn, form);
        expect(isRefusal(result), `${file} ${name}: not on the public list, yet did not refuse an anonymous caller (got ${JSON.stringify(result)})`).toBe(true);
      }
      refused.push(name);
    }
    expect(refused).toEqual(expect.arrayContaining(["signOutAction", "signOutEverywhereAction", "setStaffDisabledAction", "changeStaffRoleAction"]));
    // Admin settings (app/staff/(console)/admin/actions.ts); their role checks are in admin/actions.test.ts.
    expect(refused).toEqual(
      expect.arrayContaining(["updateChannelAction", "setCalendarOverrideAction", "removeCalendarOverrideAction", "publishCalendarYearAction", "setFeeAction"]),
    );
  });
});

function formWith(fields: Record<string, string>): FormData {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  return form;
}

describe("console pages", () => {
  it("every page under app/staff/(console) checks the session itself (layouts do not re-run on navigation)", () => {
    const pages = (function find(dir: string): string[] {
      return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? find(join(dir, e.name)) : e.name === "page.tsx" ? [join(dir, e.name)] : []));
    })(join(appDir, "staff", "(console)"));
    expect(pages.length).toBeGreaterThanOrEqual(2);
    for (const page of pages) expect(readFileSync(page, "utf8"), relative(appDir, page)).toMatch(/await Promise\.all\(\[consoleStaff\(|await consoleStaff\(/);
  });
});

describe("staff actions with a session", () => {
  it("refuse a session whose staff member was disabled or whose version moved on", async () => {
    const { setStaffDisabledAction } = await import("./actions");
    const admin = await staffMember("admin");
    const target = await staffMember("agent");
    signInAs(admin.id, 2);
    expect(await setStaffDisabledAction(undefined, formWith({ staffId: String(target.id), disabled: "true" }))).toEqual({ ok: false, code: "unauthorized" });
    await handle().db.update(staff).set({ disabledAt: new Date() }).where(eq(staff.id, admin.id));
    signInAs(admin.id, 1);
    expect(await setStaffDisabledAction(undefined, formWith({ staffId: String(target.id), disabled: "true" }))).toEqual({ ok: false, code: "unauthorized" });
    const [row] = await handle().db.select({ disabledAt: staff.disabledAt }).from(staff).where(eq(staff.id, target.id));
    expect(row!.disabledAt).toBeNull();
  });

  it("refuse an agent on admin actions, and check input only after the role", async () => {
    const { changeStaffRoleAction } = await import("./actions");
    const agent = await staffMember("agent");
    signInAs(agent.id);
    expect(await changeStaffRoleAction(undefined, formWith({ staffId: String(agent.id), role: "admin" }))).toEqual({ ok: false, code: "forbidden" });
    expect(await changeStaffRoleAction(undefined, new FormData())).toEqual({ ok: false, code: "forbidden" });
    const [row] = await handle().db.select({ role: staff.role }).from(staff).where(eq(staff.id, agent.id));
    expect(row!.role).toBe("agent");
  });

  it("ticket desk: refuse an agent the supervisor's assignment, and a ticket outside the agent's queues, changing nothing", async () => {
    const { assignTicketAction, claimTicketAction } = await import("./tickets-actions");
    const { tickets } = await import("@/db/schema");
    const agent = await staffMember("agent"); // queues: bank_liaison
    const [ticket] = await handle()
      .db.insert(tickets)
      .values({ ref: "T-SAAT-SAAT", category: "other", status: "open", queue: "refunds", paymentStatus: "duplicate", description: "x", payerContact: "r@example.cn", trackingTokenHash: "h" })
      .returning({ id: tickets.id });
    signInAs(agent.id);
    expect(await assignTicketAction(undefined, formWith({ ref: "T-SAAT-SAAT", version: "1", assignee: String(agent.id) }))).toEqual({ ok: false, code: "forbidden" });
    expect(await claimTicketAction(undefined, formWith({ ref: "T-SAAT-SAAT", version: "1" }))).toEqual({ ok: false, code: "refused", reason: "not_found" });
    const [row] = await handle().db.select({ assigneeId: tickets.assigneeId, version: tickets.version }).from(tickets).where(eq(tickets.id, ticket!.id));
    expect(row).toEqual({ assigneeId: null, version: 1 });
  });

  it("let an admin disable an account, audited, ending that account's sessions", async () => {
    const { setStaffDisabledAction, changeStaffRoleAction } = await import("./actions");
    const admin = await staffMember("admin");
    const target = await staffMember("agent");
    signInAs(admin.id);
    expect(await changeStaffRoleAction(undefined, formWith({ staffId: String(target.id), role: "root" }))).toMatchObject({ ok: false, code: "invalid" });
    expect(await setStaffDisabledAction(undefined, formWith({ staffId: String(target.id), disabled: "true" }))).toEqual({ ok: true, done: "disabled" });
    expect(await setStaffDisabledAction(undefined, formWith({ staffId: String(admin.id), disabled: "true" }))).toEqual({ ok: false, code: "self_change" });
    const events = await handle().db.select().from(auditEvents).where(eq(auditEvents.objectId, String(target.id)));
    expect(events.map((e) => [e.action, e.actor])).toContainEqual(["staff.disable", `staff:${admin.id}`]);

    signInAs(target.id, 1);
    const { signOutAction } = await import("./actions");
    expect(await outcome(signOutAction, new FormData())).toEqual({ ok: false, code: "unauthorized" });
  });
});
