import { isPreviewableProof, proofDownload, proofPreview, ticketProofName } from "@/app/proof-download";
import { staffAttachment } from "@/db/queries/staff-tickets";
import { ANY_STAFF } from "@/lib/auth/roles";
import { httpStatusOf } from "@/lib/errors";
import { TICKET_REF_PATTERN } from "@/lib/tickets";
import { requireStaff } from "@/app/staff/session";

/**
 * A proof, to staff who may see the ticket only: a download, or with `?preview=1` an inline image or PDF
 * for the ticket page (under the inert PROOF_PREVIEW_CSP set by proxy.ts); every read is audited.
 */
export async function GET(request: Request, { params }: { params: Promise<{ ref: string; id: string }> }) {
  const check = await requireStaff(ANY_STAFF);
  if (!check.ok) return new Response(null, { status: httpStatusOf(check.code) });
  const { ref, id } = await params;
  const attachmentId = Number(id);
  if (!TICKET_REF_PATTERN.test(ref) || !Number.isSafeInteger(attachmentId)) return new Response(null, { status: 404 });
  const preview = new URL(request.url).searchParams.get("preview") === "1";
  const file = await staffAttachment(ref, attachmentId, check.staff, preview ? "preview" : "download");
  if (!file) return new Response(null, { status: 404 });
  const name = ticketProofName(ref, attachmentId, file.storageKey);
  return preview && isPreviewableProof(file.contentType) ? proofPreview(file, name) : proofDownload(file, name);
}
