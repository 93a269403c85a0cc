import { fill, type Locale, type Messages } from "@/lib/i18n";
import { formatDate } from "@/lib/i18n/format";
import type { IsoDate } from "@/lib/dates";

type Props = { batchDate: IsoDate; creditDate: IsoDate; channel: string; t: Messages; locale: Locale };

/**
 * A payment posted through a batch credit (issue 16): the batch's date and the bank credit's date.
 * SPEC §3.6: the element carries `data-batch-date` (ISO date of the batch). Only this receipt's own
 * dates are shown — never the batch's other members, amounts or terminal.
 */
export function BatchSettlement({ batchDate, creditDate, channel, t, locale }: Props) {
  const b = t.status.batch;
  return (
    <p data-batch-date={batchDate} data-credit-date={creditDate} className="mt-2">
      {fill(channel === "pos" ? b.pos : b.channel, { batch: formatDate(batchDate, locale), credit: formatDate(creditDate, locale) })}
    </p>
  );
}
