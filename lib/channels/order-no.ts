/**
 * Which receipt a channel's merchant order number (out_trade_no) is for. By
 * default the order number IS the receipt number. A channel whose orders carry
 * more (a prefix, a suffix) sets `channels.order_no_pattern`: a regular
 * expression matched against the whole order number whose first capture group
 * (or the group named `receipt`) is the receipt number — e.g. `WX(\d{16})` for
 * orders like WX2026110000000029. No match → no receipt (stored unlinked).
 */
export function receiptNoForOrder(outTradeNo: string, pattern: string | null | undefined): string | null {
  if (!pattern) return outTradeNo;
  let re: RegExp;
  try {
    re = new RegExp(`^(?:${pattern})$`, "u");
  } catch {
    return null;
  }
  const m = re.exec(outTradeNo);
  if (!m) return null;
  return m.groups?.receipt ?? m[1] ?? null;
}

/** true when an admin-provided pattern compiles and captures something. */
export function isValidOrderNoPattern(pattern: string): boolean {
  try {
    new RegExp(`^(?:${pattern})$`, "u");
    // Matching the empty alternative reports every group: more than the whole match = at least one capture group.
    return new RegExp(`|(?:${pattern})`, "u").exec("")!.length > 1;
  } catch {
    return false;
  }
}
