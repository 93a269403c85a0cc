/**
 * What a public page may show of a payer: the first character of each name
 * part, the rest as stars (`张*`, `J*** S****`). Phone and ID are never shown.
 */
export function maskName(name: string): string {
  const trimmed = name.trim();
  if (trimmed === "") return "";
  return trimmed
    .split(/(\s+)/)
    .map((part) => {
      if (/^\s+$/.test(part)) return " ";
      const chars = [...part];
      return chars[0] + "*".repeat(chars.length - 1);
    })
    .join("");
}

/**
 * A channel's transaction id on a public page: enough to compare with the
 * payment app's record (the first four and last four characters), not enough to
 * quote it elsewhere: `4200…5678`.
 */
export function maskTransactionId(id: string): string {
  const chars = [...id.trim()];
  if (chars.length <= 8) return chars.length <= 4 ? "…" : `…${chars.slice(-4).join("")}`;
  return `${chars.slice(0, 4).join("")}…${chars.slice(-4).join("")}`;
}
