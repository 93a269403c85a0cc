import type { PublicConfirmation } from "@/db/queries/status";
import { fill, type Locale, type Messages } from "@/lib/i18n";
import { formatDate, formatDateTime } from "@/lib/i18n/format";
import { Notice } from "../ui/notice";

type Props = { confirmation: PublicConfirmation; expectedDate: string | null; t: Messages; locale: Locale; timeZone: string };

/** The channel's confirmation on the status page (issue 14): who confirmed, when, the masked transaction id, and "do not pay again". */
export function ChannelConfirmation({ confirmation, expectedDate, t, locale, timeZone }: Props) {
  const c = t.channels.confirmed;
  return (
    <div data-channel-confirmed={confirmation.channel} className="[overflow-wrap:anywhere]">
      <Notice tone="ok">
        <h2 className="mb-2 text-xl font-bold">{c.title}</h2>
        <p className="mb-3 font-bold">{c.body}</p>
        <dl className="grid grid-cols-1 gap-x-6 gap-y-1 sm:grid-cols-[max-content_1fr]">
          <dt className="font-semibold">{c.channel}</dt>
          <dd>{t.channels.names[confirmation.channel]}</dd>
          <dt className="font-semibold">{c.time}</dt>
          <dd>{formatDateTime(confirmation.paidAt, locale, timeZone)}</dd>
          <dt className="font-semibold">{c.transaction}</dt>
          <dd className="font-mono" data-transaction-masked>
            {confirmation.transactionIdMasked}
          </dd>
          <dt className="font-semibold">{c.expected}</dt>
          <dd>{expectedDate ? formatDate(expectedDate, locale) : c.expectedUnknown}</dd>
        </dl>
      </Notice>
      {confirmation.paymentsConfirmed > 1 && (
        <div className="mt-4" data-duplicate-confirmations={confirmation.paymentsConfirmed}>
          <Notice tone="warn">
            <h2 className="mb-2 text-xl font-bold">{t.channels.duplicate.title}</h2>
            <p>{fill(t.channels.duplicate.body, { n: confirmation.paymentsConfirmed })}</p>
          </Notice>
        </div>
      )}
    </div>
  );
}
