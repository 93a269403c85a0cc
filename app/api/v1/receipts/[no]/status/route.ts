import { publicStatus } from "@/db/queries/status";
import { env } from "@/lib/env";
import { checkReceiptNo } from "@/lib/receipt-number";
import type { PaymentStatus } from "@/lib/status";
import { apiError, apiOk, withApiStaff } from "../../../respond";

export const dynamic = "force-dynamic";

/** The settled amount, where the status has matched settlement lines. */
function settledFen(status: PaymentStatus): number | undefined {
  switch (status.code) {
    case "posted":
      return status.amountFen;
    case "amount_mismatch":
    case "duplicate":
      return status.settledFen;
    default:
      return undefined;
  }
}

function expectedDate(status: PaymentStatus): string | null {
  return status.code === "pending" || status.code === "overdue" ? status.expectedDate : null;
}

/**
 * GET /api/v1/receipts/{no}/status — any enabled staff member's token may read
 * payment status (every queue works from it); the answer carries no payer data.
 */
export async function GET(request: Request, { params }: { params: Promise<{ no: string }> }) {
  return withApiStaff(request, async () => {
    const { no } = await params;
    const config = env();
    const checked = checkReceiptNo(no.slice(0, 100), config.receiptFormat);
    if (!checked.ok) return apiError(400, "invalid_receipt_no", { reason: checked.code });
    const found = await publicStatus(checked.receiptNo, { now: new Date(), timeZone: config.TZ });
    if (!found) return apiError(404, "not_found");
    const { status, receipt } = found;
    const settled = settledFen(status);
    return apiOk({
      receipt_no: receipt.receiptNo,
      code: status.code,
      expected_date: expectedDate(status),
      amounts: { due_fen: receipt.amountDueFen, paid_fen: receipt.amountPaidFen, ...(settled === undefined ? {} : { settled_fen: settled }) },
    });
  });
}
