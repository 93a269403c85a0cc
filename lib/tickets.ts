import { createHash, randomBytes, randomInt, timingSafeEqual } from "node:crypto";
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
