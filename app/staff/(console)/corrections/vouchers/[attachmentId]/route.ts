import { ticketVoucher } from "@/db/queries/corrections";
import { requireStaff } from "@/db/queries/staff";

/** A resident's proof, to staff who may work its ticket: always as an attachment with nosniff (an <img> still shows it). */
export async function GET(_request: Request, { params }: { params: Promise<{ attachmentId: string }> }) {
  const check = await requireStaff(["agent", "supervisor"]);
  if (!check.ok) return new Response(null, { status: check.status });
  const id = Number((await params).attachmentId);
  if (!Number.isSafeInteger(id) || id <= 0) return new Response(null, { status: 404 });
  const file = await ticketVoucher(check.staff, id);
  if (!file) return new Response(null, { status: 404 });
  return new Response(new Uint8Array(file.bytes), {
    headers: {
      "Content-Type": file.contentType,
      "Content-Disposition": `attachment; filename="proof-${id}.${file.extension}"`,
      "X-Content-Type-Options": "nosniff",
      "Cache-Control": "private, no-store",
    },
  });
}
