import type { IsoDate } from "../dates";
import type { ProofFields } from "./fields";

/**
 * What a proof's reading says when set against the store (issue 15, SPEC
 * §3.6 data-proof-check). The bank line is the truth and the slip only points
 * to it: a result never posts anything; at most it proposes a line that staff
 * confirm as a manual match.
 */

export const PROOF_CHECK_RESULTS = ["reference_match", "amount_match", "not_found_yet", "reused", "unreadable"] as const;
export type ProofCheckResult = (typeof PROOF_CHECK_RESULTS)[number];

/** dHash bits (of 64) within which two images count as the same picture (measured in lib/proofs/extract.ts). */
export const DHASH_SAME_IMAGE = 10;

/** Days either side of the slip's date in which a line of the same amount counts (bank value dates lag payments by up to a few days). */
export const AMOUNT_WINDOW_DAYS = { before: 1, after: 3 } as const;

export type EvidenceLine = { id: number; amountFen: number; valueDate: IsoDate; bankRef: string | null; matchedReceiptId: number | null };

/** What the store holds that a slip could point to, gathered by db/queries/proof-checks.ts. */
export type StoreEvidence = {
  /** Another receipt whose ticket already carries this slip, and by what sign. */
  reusedFor: { receiptNo: string; by: "transaction_id" | "image" | "file" } | null;
  /** A settlement line whose reference is the slip's transaction or order number. */
  referenceLine: EvidenceLine | null;
  /** A channel's signed confirmation of the slip's transaction number. */
  confirmation: { channel: string; amountFen: number; receiptNo: string | null } | null;
  /** Lines of the slip's amount with a value date in the window around the slip's date, unmatched or matched to this receipt. */
  amountLines: EvidenceLine[];
  /** The ticket's receipt, when it is in the store. */
  receipt: { id: number; receiptNo: string; paidDate: IsoDate | null; matched: boolean } | null;
};

export type ProofCheckDetail = Record<string, string | number | boolean | null>;

export type ProofCheckDecision = { result: ProofCheckResult; detail: ProofCheckDetail; proposedLineId: number | null };

/** Whole days from `from` to `to` (negative when `to` is earlier). */
function daysFrom(from: IsoDate, to: IsoDate): number {
  return Math.round((Date.parse(`${to}T12:00:00Z`) - Date.parse(`${from}T12:00:00Z`)) / 86_400_000);
}

export function decideProofCheck(fields: ProofFields | null, evidence: StoreEvidence): ProofCheckDecision {
  if (!fields || (!fields.amount && !fields.transactionId && !fields.orderNo)) return { result: "unreadable", detail: {}, proposedLineId: null };
  const amount = fields.amount?.value ?? null;
  const detail: ProofCheckDetail = {};
  if (fields.receiptNo && evidence.receipt) detail.receiptNoOnSlip = fields.receiptNo.value === evidence.receipt.receiptNo ? "this" : "other";
  if (evidence.reusedFor) {
    return { result: "reused", detail: { ...detail, otherReceiptNo: evidence.reusedFor.receiptNo, by: evidence.reusedFor.by }, proposedLineId: null };
  }
  const line = evidence.referenceLine;
  if (line || evidence.confirmation) {
    if (line) Object.assign(detail, { lineId: line.id, lineValueDate: line.valueDate, sameAmount: amount === line.amountFen, lineMatchedElsewhere: line.matchedReceiptId !== null && line.matchedReceiptId !== evidence.receipt?.id });
    if (evidence.confirmation) Object.assign(detail, { confirmationChannel: evidence.confirmation.channel, sameAmount: detail.sameAmount ?? amount === evidence.confirmation.amountFen });
    // One click for staff only when nothing is in doubt: the line is free, its amount is the slip's, and the receipt has no match yet.
    const proposable = line !== null && line.matchedReceiptId === null && amount === line.amountFen && evidence.receipt !== null && !evidence.receipt.matched;
    return { result: "reference_match", detail, proposedLineId: proposable ? line.id : null };
  }
  const sameAmount = evidence.amountLines[0];
  if (amount !== null && sameAmount) {
    Object.assign(detail, { lineId: sameAmount.id, lineValueDate: sameAmount.valueDate, lines: evidence.amountLines.length });
    // "Paid a day earlier than the billing record": the slip's date against the receipt's payment date.
    if (fields.date && evidence.receipt?.paidDate) detail.dayOffset = daysFrom(evidence.receipt.paidDate, fields.date.value);
    return { result: "amount_match", detail, proposedLineId: null };
  }
  return { result: "not_found_yet", detail, proposedLineId: null };
}

/** A stored check as the re-entry form needs it. */
export type StoredProofCheck = { result: ProofCheckResult | null; detail: ProofCheckDetail; fields: Partial<Record<keyof ProofFields, { value: string | number } | null>> };

/**
 * Values for the re-entry (补录) form from the first proof whose transaction
 * number is on a statement line no other receipt has: the amount as the slip
 * shows it, the time of payment, the bank reference. Null when no proof
 * qualifies. The clerk still checks them and another person approves.
 */
export function reentryDefaults(checks: StoredProofCheck[]): { amount: string; paidAt: string | null; bankRef: string } | null {
  const check = checks.find((c) => c.result === "reference_match" && typeof c.detail.lineId === "number" && !c.detail.lineMatchedElsewhere && c.fields.amount && c.fields.transactionId);
  if (!check) return null;
  const fen = Number(check.fields.amount!.value);
  const date = check.fields.date?.value;
  const time = check.fields.time?.value;
  return {
    amount: `${Math.trunc(fen / 100)}.${String(fen % 100).padStart(2, "0")}`,
    paidAt: typeof date === "string" ? `${date}T${typeof time === "string" ? time.slice(0, 5) : "00:00"}` : null,
    bankRef: String(check.fields.transactionId!.value),
  };
}
