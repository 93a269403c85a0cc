/** Scoped by path to /r/RECEIPT_NO, so it proves a lookup of that receipt only. */
export const lookupCookieName = "ps_lookup";
