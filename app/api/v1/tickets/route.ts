import { z } from "zod";
import { apiTicketList } from "@/db/queries/api-tickets";
import { TICKET_QUEUES, TICKET_STATUSES } from "@/lib/routing";
import { apiError, apiOk, withApiStaff } from "../respond";

export const dynamic = "force-dynamic";

const ZQuery = z.object({
  queue: z.enum(TICKET_QUEUES).optional(),
  status: z.enum(TICKET_STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z
    .string()
    .regex(/^[1-9]\d{0,15}$/)
    .transform(Number)
    .optional(),
});

/**
 * GET /api/v1/tickets?queue=&status=&limit=&cursor= — keyset pages in id
 * order; `next_cursor` is null on the last page. An agent's token lists its
 * own queues only, and naming another queue is 403.
 */
export async function GET(request: Request) {
  return withApiStaff(request, async (staff) => {
    const params = new URL(request.url).searchParams;
    const parsed = ZQuery.safeParse(Object.fromEntries([...params].filter(([, v]) => v !== "")));
    if (!parsed.success) return apiError(400, "invalid_request", { errors: parsed.error.issues.map((i) => ({ field: String(i.path[0] ?? "query"), code: i.code })) });
    const { cursor, ...query } = parsed.data;
    const page = await apiTicketList(staff, { ...query, after: cursor });
    if (page === "forbidden") return apiError(403, "forbidden");
    return apiOk({ tickets: page.tickets, next_cursor: page.nextAfter === null ? null : String(page.nextAfter) });
  });
}
