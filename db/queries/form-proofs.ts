import "server-only";
import { and, asc, count, eq, gt, lt } from "drizzle-orm";
import type { VerifiedProof } from "@/lib/uploads/verify-proof";
import { db, type Executor } from "../client";
import { formProofs } from "../schema";

/** How long proofs of a form that came back with an error are kept for the corrected submission. */
export const FORM_PROOF_TTL_MS = 60 * 60 * 1000;

/**
 * Keeps a form's verified proofs under its idempotency key and receipt (replacing what the form kept
 * before), so that the corrected form can be sent without choosing the files again (issue 18).
 */
export async function keepFormProofs(formKey: string, receiptNo: string, proofs: VerifiedProof[], now: Date): Promise<void> {
  await db().transaction(async (tx) => {
    await tx.delete(formProofs).where(eq(formProofs.formKey, formKey));
    if (proofs.length === 0) return;
    const expiresAt = new Date(now.getTime() + FORM_PROOF_TTL_MS);
    await tx.insert(formProofs).values(
      proofs.map((p, position) => ({ formKey, receiptNo, position, contentType: p.contentType, extension: p.extension, content: p.bytes, sha256: p.sha256, originalSha256: p.originalSha256, expiresAt })),
    );
  });
}

/** How many proofs the form still holds (cheap: counted, not read). Another receipt's form key holds none. */
export async function keptFormProofCount(formKey: string, receiptNo: string, now: Date): Promise<number> {
  const [row] = await db()
    .select({ n: count() })
    .from(formProofs)
    .where(and(eq(formProofs.formKey, formKey), eq(formProofs.receiptNo, receiptNo), gt(formProofs.expiresAt, now)));
  return row?.n ?? 0;
}

/** The proofs the form kept for this receipt, as verified when they arrived; none once expired. */
export async function keptFormProofs(formKey: string, receiptNo: string, now: Date, tx: Executor = db()): Promise<VerifiedProof[]> {
  const rows = await tx
    .select()
    .from(formProofs)
    .where(and(eq(formProofs.formKey, formKey), eq(formProofs.receiptNo, receiptNo), gt(formProofs.expiresAt, now)))
    .orderBy(asc(formProofs.position));
  return rows.map((r) => ({ contentType: r.contentType as VerifiedProof["contentType"], extension: r.extension as VerifiedProof["extension"], bytes: Buffer.from(r.content), sha256: r.sha256, originalSha256: r.originalSha256 }));
}

export async function forgetFormProofs(formKey: string): Promise<void> {
  await db().delete(formProofs).where(eq(formProofs.formKey, formKey));
}

/** The worker's sweep: kept proofs whose form was never sent again. */
export async function purgeExpiredFormProofs(now: Date): Promise<number> {
  const removed = await db().delete(formProofs).where(lt(formProofs.expiresAt, now)).returning({ id: formProofs.id });
  return removed.length;
}
