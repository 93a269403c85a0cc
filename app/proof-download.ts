import "server-only";

function proofResponse(file: { bytes: Uint8Array; contentType: string }, fileName: string, disposition: "attachment" | "inline"): Response {
  return new Response(new Uint8Array(file.bytes), {
    headers: {
      "Content-Type": file.contentType,
      "Content-Disposition": `${disposition}; filename="${fileName}"`,
      "X-Content-Type-Options": "nosniff",
      "Cache-Control": "private, no-store",
    },
  });
}

/** A stored proof always as a download, never rendered by the browser (nosniff: an <img> still shows it), and never cached. */
export const proofDownload = (file: { bytes: Uint8Array; contentType: string }, fileName: string) => proofResponse(file, fileName, "attachment");

export { isPreviewableProof } from "@/lib/uploads/previewable";

/**
 * A stored proof shown inline in the console (issue 18): images as <img>, PDFs in an <iframe> of the
 * ticket page. The proof was verified at upload (type from the bytes, images re-encoded, PDFs with
 * actions or scripts refused); its CSP (proxy.ts, PROOF_PREVIEW_CSP) lets it load nothing, run
 * nothing and be framed only by this origin. Never cached.
 */
export const proofPreview = (file: { bytes: Uint8Array; contentType: string }, fileName: string) => proofResponse(file, fileName, "inline");

/** The proofs' own names: the ticket's reference, the attachment's id, the stored file's extension. */
export const ticketProofName = (ref: string, attachmentId: number, storageKey: string) => `${ref}-${attachmentId}.${storageKey.split(".").pop()}`;

