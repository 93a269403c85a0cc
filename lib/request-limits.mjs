/**
 * Request body limit, shared by the production server (scripts/http-server.mjs, which refuses a
 * larger Content-Length with 413 before reading a byte) and next.config.mjs (server actions).
 * Ticket forms carry up to 5 proofs of 10 MB each, plus the text fields.
 */
export const MAX_REQUEST_BODY_MB = 52;
export const MAX_REQUEST_BODY_BYTES = MAX_REQUEST_BODY_MB * 1024 * 1024;
