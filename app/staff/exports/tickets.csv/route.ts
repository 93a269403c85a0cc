import { z } from "zod";
import { requireStaff } from "@/app/staff/session";
import { recordTicketExport, TICKET_EXPORT_COLUMNS, ticketExportPages, type TicketExportRow } from "@/db/queries/ticket-export";
import { csvLine, UTF8_BOM } from "@/lib/csv-safe";
import { isIsoDate, zonedParts } from "@/lib/dates";
import { env } from "@/lib/env";
import { logUnexpected } from "@/lib/log";
import { TICKET_CATEGORIES, TICKET_QUEUES, TICKET_STATUSES } from "@/lib/routing";

export const dynamic = "force-dynamic";

const ZDate = z.string().refine(isIsoDate);
const ZFilters = z.object({
  queue: z.enum(TICKET_QUEUES).optional(),
  status: z.enum(TICKET_STATUSES).optional(),
  category: z.enum(TICKET_CATEGORIES).optional(),
  from: ZDate.optional(),
  to: ZDate.optional(),
});

/**
 * GET /staff/exports/tickets.csv?queue=&status=&category=&from=&to= —
 * supervisors and admins. Streamed page by page (bounded memory at any size),
 * UTF-8 with a byte-order mark for Excel, every text cell neutralised against
 * formula injection (lib/csv-safe.ts), the export itself audited first.
 */
export async function GET(request: Request) {
  const url = new URL(request.url);
  const check = await requireStaff(["supervisor", "admin"]);
  if (!check.ok) {
    if (check.code === "unauthorized") return Response.redirect(new URL(`/staff/login?callbackUrl=${encodeURIComponent(url.pathname + url.search)}`, url), 303);
    return new Response("forbidden\n", { status: 403, headers: { "Content-Type": "text/plain; charset=utf-8" } });
  }
  const parsed = ZFilters.safeParse(Object.fromEntries([...url.searchParams].filter(([, v]) => v !== "")));
  if (!parsed.success) {
    const fields = [...new Set(parsed.error.issues.map((i) => String(i.path[0])))].join(",");
    return new Response(`invalid filter: ${fields}\n`, { status: 400, headers: { "Content-Type": "text/plain; charset=utf-8" } });
  }
  const filters = parsed.data;
  const { TZ } = env();
  await recordTicketExport(check.staff, filters);

  const local = (instant: Date | null) => {
    if (!instant) return null;
    const p = zonedParts(instant, TZ);
    return `${p.date} ${p.hhmm}`;
  };
  const line = (r: TicketExportRow) =>
    csvLine([r.ref, local(r.createdAt), r.status, r.queue, r.category, r.priority, r.paymentStatus, r.receiptNo, local(r.dueAt), local(r.resolvedAt), r.assignee, r.rating, r.description]);

  const encoder = new TextEncoder();
  const pages = ticketExportPages(check.staff, filters, { timeZone: TZ });
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(UTF8_BOM + csvLine(TICKET_EXPORT_COLUMNS)));
    },
    async pull(controller) {
      try {
        const next = await pages.next();
        if (next.done) controller.close();
        else controller.enqueue(encoder.encode(next.value.map(line).join("")));
      } catch (error) {
        // A truncated file must not look complete: the download fails instead.
        controller.error(new Error(`export failed (${logUnexpected("ticket_export_failed", error, { staffId: check.staff.id })})`));
      }
    },
    async cancel() {
      await pages.return(undefined);
    },
  });
  const day = zonedParts(new Date(), TZ).date.replaceAll("-", "");
  return new Response(stream, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="tickets-${day}.csv"`,
      "X-Content-Type-Options": "nosniff",
      "Cache-Control": "no-store",
    },
  });
}
