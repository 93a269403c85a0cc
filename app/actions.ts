"use server";

import { cookies } from "next/headers";
import { env } from "@/lib/env";
import { isLocale, LOCALE_COOKIE } from "@/lib/i18n";
import { publicAction, stop } from "./public-action";

/** Public: remembers the language chosen with the switcher. Changes nothing but a cookie. */
export const setLocaleAction = publicAction({
  event: "set_locale_failed",
  guard: ({ form }) => {
    const locale = form.get("locale");
    return isLocale(locale) ? { ok: true, value: locale } : stop(undefined);
  },
  rateLimited: () => undefined,
  failed: () => undefined,
  run: async (locale) => {
    (await cookies()).set(LOCALE_COOKIE, locale, {
      path: "/",
      maxAge: 60 * 60 * 24 * 365,
      sameSite: "lax",
      httpOnly: true,
      secure: env().secureCookies,
    });
  },
});
