import type { IsoDate } from "./dates";

export type FeeScheduleEntry = { amountFen: number; effectiveFrom: IsoDate; effectiveTo: IsoDate | null };

/** The change that explains a short or over payment: the resident paid the fee in force before `changedOn`. */
export type FeeChange = { previousFen: number; changedOn: IsoDate };

/**
 * When a settled amount equals a fee that was in force earlier and the amount
 * due is the fee that replaced it, say so ("you paid the fee in force before D").
 */
export function explainFeeChange(schedule: FeeScheduleEntry[], dueFen: number, settledFen: number): FeeChange | null {
  const sorted = [...schedule].sort((a, b) => a.effectiveFrom.localeCompare(b.effectiveFrom));
  for (let i = 1; i < sorted.length; i++) {
    const before = sorted[i - 1]!;
    const after = sorted[i]!;
    if (before.amountFen === settledFen && after.amountFen === dueFen) {
      return { previousFen: before.amountFen, changedOn: after.effectiveFrom };
    }
  }
  return null;
}
