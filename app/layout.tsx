import type { Metadata, Viewport } from "next";
import type { ReactNode } from "react";
import { cookies, headers } from "next/headers";
import { env } from "@/lib/env";
import { helpContact } from "@/lib/help-contact";
import { fill } from "@/lib/i18n/fill";
import { REQUEST_ID_HEADER } from "@/lib/request-id.mjs";
import { ELDER_COOKIE } from "@/lib/elder";
import { setElderModeAction, setLocaleAction } from "./actions";
import { requestLocale } from "@/app/locale";
import { RequestIdProvider } from "./request-id";
import "./globals.css";

export async function generateMetadata(): Promise<Metadata> {
  const { t } = await requestLocale();
  return { title: t.site.name, description: t.site.tagline, robots: { index: false } };
}

export const viewport: Viewport = { width: "device-width", initialScale: 1, themeColor: "#0b4f8a" };

export default async function RootLayout({ children }: { children: ReactNode }) {
  const [{ locale, t }, requestHeaders, cookieStore] = await Promise.all([requestLocale(), headers(), cookies()]);
  const other = locale === "en" ? "zh-CN" : "en";
  // Issue 18 item 9: elder mode (长辈版) — larger type and targets (app/globals.css), the hotline always in view.
  const elder = cookieStore.get(ELDER_COOKIE)?.value === "1";
  const help = helpContact(env(), locale, t);
  return (
    <html lang={t.htmlLang} data-elder={elder ? "true" : undefined}>
      <body className="min-h-screen bg-white text-gray-900">
        <a href="#main" className="sr-only focus:not-sr-only focus:block focus:bg-focus focus:p-3 focus:text-black">
          {t.site.skipToContent}
        </a>
        <header className="bg-brand text-white">
          <div className="mx-auto flex max-w-3xl flex-wrap items-center justify-between gap-2 px-4 py-3">
            <a href="/" className="text-xl font-bold text-white no-underline">
              {t.site.name}
            </a>
            <div className="flex flex-wrap gap-2">
            <form action={setElderModeAction}>
              <input type="hidden" name="elder" value={elder ? "off" : "on"} />
              <button
                type="submit"
                aria-label={`${t.care.elder.label}: ${elder ? t.care.elder.off : t.care.elder.on}`}
                data-testid="elder-switch"
                className="min-h-11 rounded-md border-2 border-white px-4 py-2 font-semibold text-white underline-offset-4 hover:underline"
              >
                {elder ? t.care.elder.off : t.care.elder.on}
              </button>
            </form>
            <form action={setLocaleAction}>
              <input type="hidden" name="locale" value={other} />
              <button
                type="submit"
                lang={other}
                aria-label={`${t.site.languageLabel}: ${t.site.switchTo}`}
                data-testid="language-switcher"
                className="min-h-11 rounded-md border-2 border-white px-4 py-2 font-semibold text-white underline-offset-4 hover:underline"
              >
                {t.site.switchTo}
              </button>
            </form>
            </div>
          </div>
        </header>
        {elder && (
          <p data-elder-hotline className="sticky top-0 z-10 border-b-2 border-brand bg-white px-4 py-2 text-center text-lg font-semibold">
            {t.care.elder.hotline}{" "}
            <a href={`tel:${help.hotline.replace(/[^0-9+]/g, "")}`} className="inline-flex min-h-12 items-center text-brand underline">
              {help.hotline}
            </a>
            {" · "}
            <a href="/help" className="inline-flex min-h-12 items-center text-brand underline">
              {t.care.elder.help}
            </a>
          </p>
        )}
        {process.env.PAYSTATUS_DEMO === "1" && (
          <p className="bg-amber-100 px-4 py-2 text-center text-base text-amber-950" data-testid="demo-banner">
            {t.site.demoBanner}
          </p>
        )}
        <main id="main" className="mx-auto max-w-3xl px-4 py-6 has-[[data-console]]:max-w-7xl">
          <RequestIdProvider value={requestHeaders.get(REQUEST_ID_HEADER) ?? undefined}>{children}</RequestIdProvider>
        </main>
        <footer className="mx-auto max-w-3xl border-t border-gray-300 px-4 py-6 text-base text-gray-700">
          <p data-footer="default" className="mb-2">{t.site.footer}</p>
          <p data-footer="unpaid" className="mb-2">{t.care.unpaidFooter}</p>
          <p className="flex flex-wrap gap-x-6 gap-y-2">
            <a href="/help" data-help-link className="inline-flex min-h-11 items-center text-brand underline">
              {t.resident.help.link}
            </a>
            <a href={`tel:${help.hotline.replace(/[^0-9+]/g, "")}`} className="inline-flex min-h-11 items-center text-brand underline">
              {fill(t.resident.help.footerHotline, { hotline: help.hotline })}
            </a>
          </p>
        </footer>
      </body>
    </html>
  );
}
