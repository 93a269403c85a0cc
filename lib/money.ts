/**
 * Money is integer fen (分) everywhere. Decimal strings are parsed as text so
 * that no float ever touches an amount ("0.1 + 0.2" must not reach a ledger).
 */

const AMOUNT = /^(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?$/;
/** Largest amount accepted: ¥100,000,000.00 — far above any public fee. */
export const MAX_FEN = 10_000_000_000;

export type ParsedMoney = { ok: true; fen: number } | { ok: false; reason: "empty" | "format" | "negative" | "too_large" };

/**
 * Parses a yuan amount as printed or typed: "120.5", "¥1,234.50", "120".
 * Refuses exponents, signs (including "-0"), more than two decimals and
 * misplaced thousands separators.
 */
export function parseYuan(input: string): ParsedMoney {
  let s = input.normalize("NFKC").trim();
  if (s === "") return { ok: false, reason: "empty" };
  if (s.startsWith("-")) return { ok: false, reason: "negative" };
  s = s.replace(/^[¥￥]\s*/, "").replace(/\s*元$/, "");
  const m = AMOUNT.exec(s);
  if (!m) return { ok: false, reason: "format" };
  // Statements pad amounts to a fixed width ("000000000400,00" in MT940): leading zeros are not digits of the amount.
  const yuan = m[1]!.replaceAll(",", "").replace(/^0+(?=\d)/, "");
  const fraction = (m[2] ?? "").padEnd(2, "0");
  if (yuan.length > 9) return { ok: false, reason: "too_large" };
  const fen = Number(yuan) * 100 + Number(fraction);
  if (fen > MAX_FEN) return { ok: false, reason: "too_large" };
  return { ok: true, fen };
}

/** Formats fen as `¥1,234.50`; negative amounts as `-¥12.00`. */
export function formatFen(fen: number): string {
  if (!Number.isSafeInteger(fen)) throw new RangeError("amount is not an integer number of fen");
  const sign = fen < 0 ? "-" : "";
  const abs = Math.abs(fen);
  const yuan = Math.trunc(abs / 100)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  const cents = (abs % 100).toString().padStart(2, "0");
  return `${sign}¥${yuan}.${cents}`;
}
