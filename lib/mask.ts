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

/**
 * A resident's contact in the console's summary line (issue 18): enough to recognise it, not to copy it
 * off a shoulder: `138****8000`, `r***@example.cn`. The ticket's resident section shows it in full.
 */
export function maskContact(contact: string): string {
  const value = contact.trim();
  const at = value.lastIndexOf("@");
  if (at > 0) return `${[...value.slice(0, at)][0]}***${value.slice(at)}`;
  const chars = [...value];
  if (chars.length <= 4) return "*".repeat(chars.length);
  if (chars.length < 8) return `${"*".repeat(chars.length - 4)}${chars.slice(-4).join("")}`;
  return `${chars.slice(0, 3).join("")}${"*".repeat(chars.length - 7)}${chars.slice(-4).join("")}`;
}
