import { requireStaff } from "@/db/queries/staff";
import { staffAttachment } from "@/db/queries/staff-tickets";
import { ANY_STAFF } from "@/lib/auth/roles";
import { TICKET_REF_PATTERN } from "@/lib/tickets";

/** A proof, to staff who may see the ticket only, always as a download (never rendered by the browser); each download is audited. */
export async function GET(_request: Request, { params }: { params: Promise<{ ref: string; id: string }> }) {
  const check = await requireStaff(ANY_STAFF);
  if (!check.ok) return new Response(null, { status: check.status });
  const { ref, id } = await params;
  const attachmentId = Number(id);
  if (!TICKET_REF_PATTERN.test(ref) || !Number.isSafeInteger(attachmentId)) return new Response(null, { status: 404 });
  const file = await staffAttachment(ref, attachmentId, check.staff);
  if (!file) return new Response(null, { status: 404 });
  return new Response(new Uint8Array(file.bytes), {
    headers: {
      "Content-Type": file.contentType,
      "Content-Disposition": `attachment; filename="${ref}-${attachmentId}.${file.storageKey.split(".").pop()}"`,
      "X-Content-Type-Options": "nosniff",
      "Cache-Control": "private, no-store",
    },
  });
}
