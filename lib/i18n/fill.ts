/**
 * Fills `{name}` placeholders; used for strings that must cross into client
 * components. Kept apart from the catalogues so the browser bundle stays small.
 */
export function fill(template: string, params: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => (key in params ? String(params[key]) : whole));
}
