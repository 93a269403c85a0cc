import { isIsoDate } from "@/lib/dates";
import { parseYuan } from "@/lib/money";

/** The exceptions page's filters, from its query string (ignored when malformed), and back into one. */
export type ExceptionQuery = { channel?: string; from?: string; to?: string; amount?: string; amountFen?: number; cursor?: number };

export function exceptionQuery(raw: Record<string, string | string[] | undefined>): ExceptionQuery {
  const text = (key: string) => (typeof raw[key] === "string" && raw[key] !== "" ? (raw[key]) : undefined);
  const channel = text("channel");
  const from = text("from");
  const to = text("to");
  const amount = text("amount");
  const parsed = amount === undefined ? null : parseYuan(amount);
  const cursor = text("cursor");
  return {
    channel: channel && /^[a-z_]{1,32}$/.test(channel) ? channel : undefined,
    from: from && isIsoDate(from) ? from : undefined,
    to: to && isIsoDate(to) ? to : undefined,
    amount: parsed?.ok ? amount : undefined,
    amountFen: parsed?.ok ? parsed.fen : undefined,
    cursor: cursor && /^\d{1,15}$/.test(cursor) ? Number(cursor) : undefined,
  };
}

export function exceptionSearch(q: ExceptionQuery, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams();
  for (const key of ["channel", "from", "to", "amount"] as const) if (q[key]) params.set(key, q[key]);
  for (const [k, v] of Object.entries(extra)) params.set(k, v);
  const s = params.toString();
  return s ? `?${s}` : "";
}
