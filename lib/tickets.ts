import { createHash, createHmac, randomBytes, randomInt, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import { TICKET_CATEGORIES } from "./routing";

/**
 * Ticket identities. The reference (T-7K4M-2Q9X) is what people read out on
 * the phone: random, not sequential, without look-alike characters. Access
 * needs the separate tracking secret (256 bits), of which only a hash is kept.
 */
const REF_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ";

export function newTicketRef(): string {
  const pick = () => REF_ALPHABET[randomInt(REF_ALPHABET.length)];
  const block = () => Array.from({ length: 4 }, pick).join("");
  return `T-${block()}-${block()}`;
}

export const TICKET_REF_PATTERN = /^T-[2-9A-HJKMNP-TV-Z]{4}-[2-9A-HJKMNP-TV-Z]{4}$/;

export function newTrackingSecret(): string {
  return randomBytes(32).toString("base64url");
}

/**
 * The tracking secret of a ticket made from a form: derived from the server's key, the ticket and the
 * form's idempotency key, so that a replay of that form (a double tap whose first answer was lost)
 * can be handed the very same secret again without rotating the owner's. Only a replay within
 * REPLAY_WINDOW_MS, for the same receipt and category, is ever answered with it (db/queries/tickets.ts).
 */
export function formTrackingSecret(serverSecret: string, ref: string, idempotencyKey: string): string {
  return createHmac("sha256", serverSecret).update(`track-form:${ref}:${idempotencyKey}`).digest("base64url");
}

/** How long after creation a replayed form still leads to its ticket. */
export const REPLAY_WINDOW_MS = 10 * 60 * 1000;

export function hashTrackingSecret(secret: string): string {
  return createHash("sha256").update(`track:${secret}`).digest("hex");
}

export function trackingSecretMatches(secret: string | undefined, hash: string): boolean {
  if (!secret || secret.length > 100) return false;
  const a = Buffer.from(hashTrackingSecret(secret), "hex");
  const b = Buffer.from(hash, "hex");
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Mainland mobile numbers (with optional +86) or an email address. */
const PHONE = /^(?:\+?86)?1[3-9]\d{9}$/;

export function normaliseContact(input: string): { kind: "phone" | "email"; value: string } | null {
  const value = input.normalize("NFKC").trim();
  const phone = value.replace(/[\s-]/g, "");
  if (PHONE.test(phone)) return { kind: "phone", value: phone.replace(/^\+?86/, "") };
  if (z.email().safeParse(value).success && value.length <= 254) return { kind: "email", value: value.toLowerCase() };
  return null;
}

export const ZOpenTicketInput = z.object({
  category: z.enum(TICKET_CATEGORIES, { error: "categoryRequired" }),
  description: z
    .string()
    .trim()
    .min(1, { error: "descriptionRequired" })
    .max(2000, { error: "descriptionTooLong" }),
  contact: z.string().transform((v, ctx) => {
    const contact = normaliseContact(v);
    if (!contact) {
      ctx.addIssue({ code: "custom", message: v.trim() === "" ? "contactRequired" : "contactInvalid" });
      return z.NEVER;
    }
    return contact;
  }),
  idempotencyKey: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/, { error: "invalid" }),
});
export type TOpenTicketInput = z.infer<typeof ZOpenTicketInput>;

export const ZResidentReply = z.object({
  message: z.string().trim().min(1, { error: "messageRequired" }).max(2000, { error: "messageTooLong" }),
});

/** Per-client limits of the resident ticket actions (app/(public)/ticket-actions.ts). */
export const TICKET_LIMIT = { limit: 10, windowSeconds: 60 * 60 };
export const REPLY_LIMIT = { limit: 20, windowSeconds: 60 * 60 };
export const RATE_LIMIT = { limit: 30, windowSeconds: 60 * 60 };
/** Files one client may upload per hour, over reports and replies (each is read and decoded only within it). */
export const UPLOAD_BUDGET = { limit: 25, windowSeconds: 60 * 60 };

/** 好差评 (the national five-point scale): 5 非常满意 … 1 非常不满意; 不满意 and 非常不满意 are 差评 and need a follow-up. */
export const RATING_SCALE = [5, 4, 3, 2, 1] as const;
export const isPoorRating = (rating: number) => rating <= 2;

export type ProgressStage = { stage: "received" | "handling" | "done"; at: Date | null };

/**
 * 办件进度: the three stages a resident sees with their dates. Received when the ticket was made;
 * handling from the first thing anyone but the resident did on it (a reply, a request, an escalation);
 * done when it was resolved or closed.
 */
export function progressStages(ticket: { createdAt: Date; resolvedAt: Date | null; status: string; events: { actor: string; kind: string; at: Date }[] }): ProgressStage[] {
  const finished = ticket.status === "resolved" || ticket.status === "closed";
  const done = finished ? (ticket.resolvedAt ?? ticket.events.at(-1)?.at ?? ticket.createdAt) : null;
  const firstAction = ticket.events.find((e) => e.actor !== "resident" && e.kind !== "created")?.at ?? null;
  return [
    { stage: "received", at: ticket.createdAt },
    { stage: "handling", at: firstAction ?? done },
    { stage: "done", at: done },
  ];
}
