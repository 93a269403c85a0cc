import type { Metadata } from "next";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { oidcSettings } from "@/auth";
import { LoginForm } from "@/components/console/login-form";
import { currentStaff } from "@/app/staff/session";
import { safeCallbackPath } from "@/lib/auth/safe-redirect";
import { requestLocale } from "@/app/locale";
import { oidcSignInAction, signInAction } from "./actions";

export const metadata: Metadata = { robots: { index: false, follow: false } };

type Props = { searchParams: Promise<{ callbackUrl?: string | string[]; error?: string | string[] }> };

export default async function StaffLoginPage({ searchParams }: Props) {
  const [{ t }, params, h] = await Promise.all([requestLocale(), searchParams, headers()]);
  const origin = `${h.get("x-forwarded-proto")?.split(",")[0]?.trim() || "http"}://${h.get("host") ?? "localhost"}`;
  const raw = Array.isArray(params.callbackUrl) ? params.callbackUrl[0] : params.callbackUrl;
  const callbackUrl = safeCallbackPath(raw, origin);
  if (await currentStaff()) redirect(callbackUrl);

  const texts = t.staff.login;
  return (
    <>
      <h1 className="mb-3 text-3xl font-bold">{texts.title}</h1>
      <p className="mb-6 text-lg">{texts.intro}</p>
      <LoginForm
        action={signInAction}
        callbackUrl={callbackUrl}
        initialError={params.error ? "sso_failed" : undefined}
        texts={{ ...texts, summaryTitle: t.errors.summaryTitle }}
      />
      {oidcSettings() && (
        <form action={oidcSignInAction} className="mt-8 border-t border-gray-300 pt-6">
          <p className="mb-3 text-lg">{texts.or}</p>
          <input type="hidden" name="callbackUrl" value={callbackUrl} />
          <button type="submit" className="min-h-12 rounded-md border-2 border-brand px-6 py-3 text-lg font-semibold text-brand">
            {texts.oidcSubmit}
          </button>
        </form>
      )}
    </>
  );
}
