import { proofDownload } from "@/app/proof-download";
import { ticketVoucher } from "@/db/queries/corrections";
import { httpStatusOf } from "@/lib/errors";
import { requireStaff } from "@/app/staff/session";

/** A resident's proof, to staff who may work its ticket: always as an attachment with nosniff (an <img> still shows it). */
export async function GET(_request: Request, { params }: { params: Promise<{ attachmentId: string }> }) {
  const check = await requireStaff(["agent", "supervisor"]);
  if (!check.ok) return new Response(null, { status: httpStatusOf(check.code) });
  const id = Number((await params).attachmentId);
  if (!Number.isSafeInteger(id) || id <= 0) return new Response(null, { status: 404 });
  const file = await ticketVoucher(check.staff, id);
  if (!file) return new Response(null, { status: 404 });
  return proofDownload(file, `proof-${id}.${file.extension}`);
}
