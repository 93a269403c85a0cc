import { apiTicketByRef } from "@/db/queries/api-tickets";
import { TICKET_REF_PATTERN } from "@/lib/tickets";
import { apiError, apiOk, withApiStaff } from "../../respond";

export const dynamic = "force-dynamic";

/** GET /api/v1/tickets/{ref} — a ticket outside an agent's queues answers 404, as an unknown one does. */
export async function GET(request: Request, { params }: { params: Promise<{ ref: string }> }) {
  return withApiStaff(request, async (staff) => {
    const ref = (await params).ref.slice(0, 40).toUpperCase();
    if (!TICKET_REF_PATTERN.test(ref)) return apiError(404, "not_found");
    const ticket = await apiTicketByRef(staff, ref);
    return ticket ? apiOk(ticket) : apiError(404, "not_found");
  });
}
