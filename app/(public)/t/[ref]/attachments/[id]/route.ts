import { proofDownload, ticketProofName } from "@/app/proof-download";
import { attachmentForHolder } from "@/db/queries/tickets";
import { TICKET_REF_PATTERN } from "@/lib/tickets";
import { trackingSecret } from "../../../../ticket-cookies";

/** A proof, to the ticket holder only, always as a download, never rendered by the browser. */
export async function GET(_request: Request, { params }: { params: Promise<{ ref: string; id: string }> }) {
  const { ref, id } = await params;
  const attachmentId = Number(id);
  if (!TICKET_REF_PATTERN.test(ref) || !Number.isSafeInteger(attachmentId)) return new Response(null, { status: 404 });
  const file = await attachmentForHolder(ref, await trackingSecret(), attachmentId);
  if (!file) return new Response(null, { status: 404 });
  return proofDownload(file, ticketProofName(ref, attachmentId, file.storageKey));
}
