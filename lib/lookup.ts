import { parseYuan } from "./money";
import { checkReceiptNo, type ReceiptFormat } from "./receipt-number";

/** SPEC §3.2 error codes shown in the error summary's data-error. */
export type LookupErrorCode = "no_match" | "mistyped" | "rate_limited" | "invalid";
export type LookupFieldError = "receiptRequired" | "receiptInvalid" | "amountRequired" | "amountInvalid";

export type LookupInput = { receipt: string; amount: string };

export type LookupValidation =
  | { ok: true; receiptNo: string; amountFen: number }
  | { ok: false; code: LookupErrorCode; fieldErrors: { receipt?: LookupFieldError; amount?: LookupFieldError } };

/**
 * Checks the lookup form before anything touches the database: a number that
 * fails its check digit is "mistyped"; anything else malformed is "invalid".
 */
export function validateLookup(input: LookupInput, format: ReceiptFormat): LookupValidation {
  const fieldErrors: { receipt?: LookupFieldError; amount?: LookupFieldError } = {};
  let mistyped = false;
  let receiptNo = "";
  if (input.receipt.trim() === "") fieldErrors.receipt = "receiptRequired";
  else {
    const check = checkReceiptNo(input.receipt, format);
    if (check.ok) receiptNo = check.receiptNo;
    else if (check.code === "mistyped") mistyped = true;
    else fieldErrors.receipt = "receiptInvalid";
  }

  let amountFen = 0;
  const money = parseYuan(input.amount);
  if (money.ok) amountFen = money.fen;
  else fieldErrors.amount = money.reason === "empty" ? "amountRequired" : "amountInvalid";

  if (mistyped) return { ok: false, code: "mistyped", fieldErrors };
  if (fieldErrors.receipt || fieldErrors.amount) return { ok: false, code: "invalid", fieldErrors };
  return { ok: true, receiptNo, amountFen };
}

/** The amount a resident reads off the receipt: what was paid, or what was due if the bill records no payment. */
export function amountMatches(receipt: { amountPaidFen: number | null; amountDueFen: number }, typedFen: number): boolean {
  return (receipt.amountPaidFen ?? receipt.amountDueFen) === typedFen;
}
