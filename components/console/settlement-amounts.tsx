import type { Messages } from "@/lib/i18n";
import { formatFen } from "@/lib/money";

/**
 * Gross, fee and net of a match as staff see it (issue 16), one component for every console view:
 * the ticket's matched lines, the exceptions page, /staff/batches. The net is the bank line; the fee is
 * the one recorded on the match (none recorded: 0, so gross = net); the gross is the receipt amount(s).
 * With `creditFen` the net is what the fee rule expects, and the credit and the difference (credit −
 * expected net) follow: an exception a fee explains only in part.
 */
export type Amounts = { grossFen: number; feeFen: number | null; netFen: number };

export const signedFen = (fen: number) => (fen < 0 ? `−${formatFen(-fen)}` : formatFen(fen));

export function SettlementAmounts({ amounts, t, creditFen }: { amounts: Amounts; t: Messages; creditFen?: number }) {
  const a = t.amounts;
  const fee = amounts.feeFen ?? 0;
  const expected = creditFen !== undefined;
  return (
    <span
      data-amounts
      data-gross={amounts.grossFen}
      data-fee={fee}
      data-net={amounts.netFen}
      {...(expected ? { "data-credit": creditFen, "data-difference": creditFen - amounts.netFen } : {})}
      className="inline-flex flex-wrap gap-x-3"
    >
      <span>
        {a.gross} {formatFen(amounts.grossFen)}
      </span>
      <span>
        {a.fee} {formatFen(fee)}
      </span>
      <span>
        {expected ? a.expectedNet : a.net} {formatFen(amounts.netFen)}
      </span>
      {expected && (
        <>
          <span>
            {a.credit} {formatFen(creditFen)}
          </span>
          <span className="font-semibold">
            {a.difference} {signedFen(creditFen - amounts.netFen)}
          </span>
        </>
      )}
    </span>
  );
}
