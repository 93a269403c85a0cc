import "server-only";
import { cache } from "react";
import { cookies, headers } from "next/headers";
import { LOCALE_COOKIE, messages, negotiateLocale, type Locale, type Messages } from "@/lib/i18n";

/**
 * The request's language: switcher cookie, then Accept-Language, then zh-CN (no locale in URLs).
 * Negotiated once per request, however many layouts, pages and metadata functions ask.
 */
export const requestLocale = cache(async (): Promise<{ locale: Locale; t: Messages }> => {
  const [cookieStore, headerList] = await Promise.all([cookies(), headers()]);
  const locale = negotiateLocale(cookieStore.get(LOCALE_COOKIE)?.value, headerList.get("accept-language"));
  return { locale, t: messages(locale) };
});
