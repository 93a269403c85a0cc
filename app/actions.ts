"use server";

import { cookies } from "next/headers";
import { env } from "@/lib/env";
import { ELDER_COOKIE } from "@/lib/elder";
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

/** Public: elder mode (长辈版) on or off, remembered for a year. A plain form, like the language switcher. */
export const setElderModeAction = publicAction({
  event: "set_elder_mode_failed",
  guard: ({ form }) => {
    const mode = form.get("elder");
    return mode === "on" || mode === "off" ? { ok: true, value: mode } : stop(undefined);
  },
  rateLimited: () => undefined,
  failed: () => undefined,
  run: async (mode) => {
    const jar = await cookies();
    if (mode === "off") jar.delete(ELDER_COOKIE);
    else jar.set(ELDER_COOKIE, "1", { path: "/", maxAge: 60 * 60 * 24 * 365, sameSite: "lax", httpOnly: true, secure: env().secureCookies });
  },
});
