import type { Env } from "./env";
import type { Locale, Messages } from "./i18n";

export type HelpContact = { hotline: string; hours: string; counters: string[] };

/** The help page's and footer's contact facts (HELP_* settings, lib/env.ts) in the reader's language. */
export function helpContact(config: Pick<Env, "HELP_HOTLINE" | "HELP_HOURS_ZH" | "HELP_HOURS_EN" | "HELP_COUNTERS_ZH" | "HELP_COUNTERS_EN">, locale: Locale, t: Messages): HelpContact {
  const hours = locale === "en" ? config.HELP_HOURS_EN : config.HELP_HOURS_ZH;
  const counters = locale === "en" ? config.HELP_COUNTERS_EN : config.HELP_COUNTERS_ZH;
  return {
    hotline: config.HELP_HOTLINE,
    hours: hours?.trim() || t.resident.help.defaultHours,
    counters: (counters ?? "")
      .split("|")
      .map((c) => c.trim())
      .filter(Boolean),
  };
}
