import { match } from "@formatjs/intl-localematcher";
import Negotiator from "negotiator";
import { en } from "./en";
import { zhCN, type Messages } from "./zh-CN";

export const LOCALES = ["zh-CN", "en"] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = "zh-CN";
export const LOCALE_COOKIE = "ps_locale";
export type { Messages };
export { fill } from "./fill";

const catalogues: Record<Locale, Messages> = { "zh-CN": zhCN, en };

export function isLocale(value: unknown): value is Locale {
  return typeof value === "string" && (LOCALES as readonly string[]).includes(value);
}

/** The cookie set by the switcher wins; then the browser's Accept-Language; then zh-CN. */
export function negotiateLocale(cookieValue: string | undefined, acceptLanguage: string | null): Locale {
  if (isLocale(cookieValue)) return cookieValue;
  if (!acceptLanguage) return DEFAULT_LOCALE;
  const requested = new Negotiator({ headers: { "accept-language": acceptLanguage } }).languages();
  try {
    return match(requested, LOCALES, DEFAULT_LOCALE) as Locale;
  } catch {
    return DEFAULT_LOCALE;
  }
}

export function messages(locale: Locale): Messages {
  return catalogues[locale];
}

