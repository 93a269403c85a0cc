import type { Metadata } from "next";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { SecondFactorForm } from "@/components/console/two-factor-forms";
import { currentStaff } from "@/app/staff/session";
import { challengeNeed } from "@/db/queries/staff-totp";
import { safeCallbackPath } from "@/lib/auth/safe-redirect";
import { requestLocale } from "@/app/locale";
import { secondFactorAction } from "../actions";
import { challengeCookie } from "../challenge";

export const metadata: Metadata = { robots: { index: false, follow: false } };

type Props = { searchParams: Promise<{ callbackUrl?: string | string[] }> };

/** The second step of staff sign-in: only with a live challenge that owes a code (else back to the first step). */
export default async function SecondFactorPage({ searchParams }: Props) {
  const [{ t }, params, h] = await Promise.all([requestLocale(), searchParams, headers()]);
  const origin = `${h.get("x-forwarded-proto")?.split(",")[0]?.trim() || "http"}://${h.get("host") ?? "localhost"}`;
  const raw = Array.isArray(params.callbackUrl) ? params.callbackUrl[0] : params.callbackUrl;
  const callbackUrl = safeCallbackPath(raw, origin);
  if (await currentStaff()) redirect(callbackUrl);
  const challenge = await challengeNeed(await challengeCookie());
  if (challenge?.need !== "code") redirect(`/staff/login?callbackUrl=${encodeURIComponent(callbackUrl)}`);

  const texts = t.staff.twoFactor;
  return (
    <>
      <h1 className="mb-3 text-3xl font-bold">{texts.codeTitle}</h1>
      <p className="mb-6 text-lg">{texts.codeIntro}</p>
      <SecondFactorForm action={secondFactorAction} callbackUrl={callbackUrl} texts={{ ...texts, summaryTitle: t.errors.summaryTitle }} />
      <p className="mt-8">
        <a href={`/staff/login?callbackUrl=${encodeURIComponent(callbackUrl)}`} className="font-semibold text-brand underline">
          {texts.startAgain}
        </a>
      </p>
    </>
  );
}
