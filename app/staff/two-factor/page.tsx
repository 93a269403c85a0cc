import type { Metadata } from "next";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import QRCode from "qrcode";
import { TwoFactorPanel, type TwoFactorMode } from "@/components/console/two-factor-forms";
import { currentStaff } from "@/app/staff/session";
import { challengeNeed, startTotpEnrolment, totpStatus } from "@/db/queries/staff-totp";
import { secondFactorRequired } from "@/lib/auth/totp";
import { safeCallbackPath } from "@/lib/auth/safe-redirect";
import { requestLocale } from "@/app/locale";
import { challengeCookie } from "../login/challenge";
import { twoFactorAction } from "./actions";

export const metadata: Metadata = { robots: { index: false, follow: false } };
export const dynamic = "force-dynamic";

type Props = { searchParams: Promise<{ callbackUrl?: string | string[] }> };

/**
 * Two-step verification: for a signed-in member of staff (enrol if they have not, else recovery
 * codes), and for a supervisor or admin whose password was right but who must enrol before any
 * session (the sign-in challenge in its cookie names them). Anyone else goes to sign in.
 */
export default async function TwoFactorPage({ searchParams }: Props) {
  const [{ t }, params, h] = await Promise.all([requestLocale(), searchParams, headers()]);
  const origin = `${h.get("x-forwarded-proto")?.split(",")[0]?.trim() || "http"}://${h.get("host") ?? "localhost"}`;
  const raw = Array.isArray(params.callbackUrl) ? params.callbackUrl[0] : params.callbackUrl;
  const callbackUrl = safeCallbackPath(raw, origin);
  const texts = t.staff.twoFactor;

  const staff = await currentStaff();
  let mode: TwoFactorMode | undefined;
  let required: boolean;
  let staffId: number;
  if (staff) {
    staffId = staff.id;
    required = secondFactorRequired(staff.role);
  } else {
    const challenge = await challengeNeed(await challengeCookie());
    if (challenge?.need !== "enrol") redirect(`/staff/login?callbackUrl=${encodeURIComponent("/staff/two-factor")}`);
    staffId = challenge.staffId;
    required = true;
    if (challenge.satisfied) mode = { kind: "continue" };
  }
  mode ??= await modeFor(staffId, staff !== null);

  return (
    <>
      <h1 className="mb-3 text-3xl font-bold">{texts.title}</h1>
      <p className="mb-6 text-lg">{required ? texts.required : texts.optional}</p>
      <TwoFactorPanel action={twoFactorAction} mode={mode} callbackUrl={callbackUrl} texts={{ ...texts, summaryTitle: t.errors.summaryTitle }} />
    </>
  );
}

async function modeFor(staffId: number, signedIn: boolean): Promise<TwoFactorMode> {
  const enrolment = await startTotpEnrolment(staffId);
  if (!enrolment) redirect("/staff/login");
  if (enrolment.state === "enrolled") return signedIn ? { kind: "enrolled", codesLeft: (await totpStatus(staffId)).recoveryCodesLeft } : { kind: "continue" };
  return { kind: "enrol", secret: enrolment.secret, qrDataUrl: await QRCode.toDataURL(enrolment.uri, { margin: 2, width: 240 }) };
}
