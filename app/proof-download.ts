import "server-only";

/** A stored proof always as a download, never rendered by the browser (nosniff: an <img> still shows it), and never cached. */
export function proofDownload(file: { bytes: Uint8Array; contentType: string }, fileName: string): Response {
  return new Response(new Uint8Array(file.bytes), {
    headers: {
      "Content-Type": file.contentType,
      "Content-Disposition": `attachment; filename="${fileName}"`,
      "X-Content-Type-Options": "nosniff",
      "Cache-Control": "private, no-store",
    },
  });
}

/** The proofs' own names: the ticket's reference, the attachment's id, the stored file's extension. */
export const ticketProofName = (ref: string, attachmentId: number, storageKey: string) => `${ref}-${attachmentId}.${storageKey.split(".").pop()}`;

