import type { IsoDate } from "./dates";
import type { PaymentStatus } from "./status";

export type Incident = { id: number; channel: string | null; valueFrom: IsoDate; valueTo: IsoDate; messageZh: string; messageEn: string };

/** Statuses where a known disruption explains the wait (a posted or refunded payment needs no excuse). */
const WAITING: ReadonlySet<PaymentStatus["code"]> = new Set(["pending", "awaiting_bank", "overdue"]);

/**
 * An incident concerns a payment still waiting on its channel when the
 * incident's value-date range overlaps the days from payment to expected posting.
 */
export function incidentsFor(incidents: Incident[], status: PaymentStatus, payment: { channel: string; paidDate: IsoDate | null }): Incident[] {
  if (!WAITING.has(status.code) || !payment.paidDate) return [];
  const until = ("expectedDate" in status && status.expectedDate) || payment.paidDate;
  return incidents.filter(
    (i) => (i.channel === null || i.channel === payment.channel) && i.valueFrom <= until && i.valueTo >= payment.paidDate!,
  );
}
