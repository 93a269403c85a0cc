/** The content types a proof may be previewed as in the console (issue 18); anything else is only downloaded. */
export const PREVIEWABLE_PROOF_TYPES = ["image/png", "image/jpeg", "image/webp", "application/pdf"] as const;
export const isPreviewableProof = (contentType: string) => (PREVIEWABLE_PROOF_TYPES as readonly string[]).includes(contentType);
