import { proofDownload, ticketProofName } from "@/app/proof-download";
import { staffAttachment } from "@/db/queries/staff-tickets";
import { ANY_STAFF } from "@/lib/auth/roles";
import { httpStatusOf } from "@/lib/errors";
import { TICKET_REF_PATTERN } from "@/lib/tickets";
import { requireStaff } from "@/app/staff/session";

/** A proof, to staff who may see the ticket only, always as a download (never rendered by the browser); each download is audited. */
export async function GET(_request: Request, { params }: { params: Promise<{ ref: string; id: string }> }) {
  const check = await requireStaff(ANY_STAFF);
  if (!check.ok) return new Response(null, { status: httpStatusOf(check.code) });
  const { ref, id } = await params;
  const attachmentId = Number(id);
  if (!TICKET_REF_PATTERN.test(ref) || !Number.isSafeInteger(attachmentId)) return new Response(null, { status: 404 });
  const file = await staffAttachment(ref, attachmentId, check.staff);
  if (!file) return new Response(null, { status: 404 });
  return proofDownload(file, ticketProofName(ref, attachmentId, file.storageKey));
}
