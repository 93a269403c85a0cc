import type { IsoDate } from "../dates";

/**
 * What the statement parsers produce. Parsers are pure: they read the bytes
 * they are given and yield one event per data line, so a file of any size is
 * read in constant memory.
 */

/** A problem with the whole file (empty, header only, truncated, wrong encoding, unknown columns): nothing is imported. */
export class StatementFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StatementFileError";
  }
}

/** One credit line of a bank or POS statement, ready for the store. */
export type SettlementRecord = {
  bankRef: string | null;
  amountFen: number;
  valueDate: IsoDate;
  channel: string | null;
  /** Already masked: first 4 and last 4 digits kept. */
  payerAccount: string | null;
  remittance: string | null;
  /**
   * The bank's return of an earlier credit (camt.053 DBIT entry with RvslInd true, MT940 :61: mark RC):
   * not a payment, it undoes one (db/import/match-reversals.ts). The amount is the credit's, positive.
   */
  reversal?: boolean;
  /**
   * Channel bills only (wechat-merchant, alipay-merchant): the channel's fee for the line and
   * what it settles to the merchant (after fee and discounts). amountFen stays what the payer
   * paid, the receipt's amount, which matching compares. Not stored yet.
   */
  feeFen?: number;
  netFen?: number;
};

/** One billing receipt as the billing system exported it (SPEC §3.4). */
export type ReceiptRecord = {
  receiptNo: string;
  service: string;
  payerName: string;
  payerPhone: string | null;
  amountDueFen: number;
  amountPaidFen: number | null;
  channel: string;
  paidAt: Date | null;
  bankRef: string | null;
  billingStatus: string;
  /** The POS terminal that took the payment (optional column terminal_id); absent: left as stored. */
  terminalId?: string | null;
};

/**
 * Parsers yield these in batches (arrays), in file order, so that a large
 * file costs one async step per chunk rather than per line.
 * `line` is the 1-based line of the file where the record is (for XML, where
 * the entry starts). `skipped` lines are not payments (debits, reversals) and
 * are counted, not reported as errors.
 */
export type ParseEvent<T> =
  | { kind: "record"; line: number; record: T }
  | { kind: "rejected"; line: number; reason: string }
  | { kind: "skipped"; line: number; reason: string };

export type ByteSource = AsyncIterable<Uint8Array>;

export const SETTLEMENT_FORMATS = ["csv", "camt053", "mt940"] as const;
export type SettlementFormat = (typeof SETTLEMENT_FORMATS)[number];
