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
