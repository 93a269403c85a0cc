import type { Messages } from "@/lib/i18n";
import type { LookupTexts } from "./lookup-form";

/** The plain strings the client-side lookup form needs, picked from the catalogue on the server. */
export function lookupTexts(t: Messages): LookupTexts {
  return {
    receiptLabel: t.lookup.receiptLabel,
    receiptHint: t.lookup.receiptHint,
    amountLabel: t.lookup.amountLabel,
    amountHint: t.lookup.amountHint,
    submit: t.lookup.submit,
    summaryTitle: t.errors.summaryTitle,
    codes: { no_match: t.errors.no_match, mistyped: t.errors.mistyped, rate_limited: t.errors.rate_limited, invalid: t.errors.invalid, error: t.errors.generic },
    fields: {
      receiptRequired: t.errors.receiptRequired,
      receiptInvalid: t.errors.receiptInvalid,
      amountRequired: t.errors.amountRequired,
      amountInvalid: t.errors.amountInvalid,
    },
    stillNotFound: t.resident.lookup.stillNotFound,
    stillNotFoundBody: t.resident.lookup.stillNotFoundBody,
    reportMissing: t.resident.lookup.reportMissing,
    help: t.resident.help.link,
  };
}
