import type { Metadata } from "next";
import type { ReactNode } from "react";
import { StaffForm } from "@/components/console/staff-form";
import { CONSOLE_NAV } from "@/components/console/nav-items";
import { requestLocale } from "@/app/locale";
import { signOutAction } from "../actions";
import { currentStaffOnce } from "./guard";

export const metadata: Metadata = { robots: { index: false, follow: false } };
export const dynamic = "force-dynamic";

export default async function ConsoleLayout({ children }: { children: ReactNode }) {
  const [staff, { t }] = await Promise.all([currentStaffOnce(), requestLocale()]);
  // Anonymous: the page itself redirects to sign-in (it knows its own path for callbackUrl);
  // every console page calls consoleStaff(), which a test checks.
  if (!staff) return <>{children}</>;
  const c = t.staff.console;
  return (
    <div data-console>
      <nav aria-label={c.title} className="mb-6 flex flex-wrap items-center justify-between gap-3 border-b-2 border-gray-300 pb-3">
        <div className="flex flex-wrap items-center gap-4">
          {CONSOLE_NAV.filter((item) => item.roles.includes(staff.role)).map((item) => (
            <a key={item.href} href={item.href} className="font-semibold text-brand underline">
              {item.label(t)}
            </a>
          ))}
        </div>
        <div className="flex flex-wrap items-center gap-3">
          {staff.isDemo && (
            <span data-testid="demo-account" className="rounded-md bg-amber-200 px-3 py-1 font-bold tracking-wide text-amber-950">
              {c.demoAccount}
            </span>
          )}
          <span data-testid="signed-in-as">{staff.email}</span>
          <a href="/staff/two-factor" className="font-semibold text-brand underline">
            {t.staff.twoFactor.link}
          </a>
          <StaffForm action={signOutAction} texts={{ errors: t.appErrors }}>
            <button type="submit" className="min-h-11 rounded-md border-2 border-gray-800 px-4 py-2 font-semibold">
              {c.signOut}
            </button>
          </StaffForm>
        </div>
      </nav>
      {children}
    </div>
  );
}
