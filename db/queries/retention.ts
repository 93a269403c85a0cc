import "server-only";
import { and, inArray, isNotNull, ne, or, sql } from "drizzle-orm";
import { db } from "../client";
import { outbox, ticketAttachments, ticketEvents, tickets } from "../schema";
import { recordAudit } from "./audit";
import { proofStorage } from "./proof-storage";

/**
 * Personal data retention (PIPL; SPEC §3.6 `RETENTION_DAYS`, default 180).
 * A ticket resolved or closed longer ago than that loses what identifies or
 * describes the person: the payer's contact, the free text (the description
 * and the body of every event, the resident's and staff's replies alike),
 * its proofs (files and attachment rows) and its queued or sent
 * notifications (they carry the address). What stays are the ticket's facts
 * — reference, receipt number, category, queue, statuses and times, the
 * payment status at submission, rating — the timeline's kinds and times, and
 * the audit trail, which never held personal data and gains one
 * `ticket.retention_purge` event per ticket.
 *
 * Batches of `batch` tickets, each in one transaction, taken with SKIP LOCKED
 * so workers on several instances share the work; run by the worker.
 */
export const RETENTION_BATCH = 200;

export async function purgeExpiredTicketData(now: Date, retentionDays: number, batch = RETENTION_BATCH): Promise<number> {
  const cutoff = new Date(now.getTime() - retentionDays * 24 * 60 * 60 * 1000);
  let purged = 0;
  for (;;) {
    const { count, removedFiles } = await db().transaction(async (tx) => {
      const due = await tx
        .select({ id: tickets.id, ref: tickets.ref })
        .from(tickets)
        .where(
          and(
            inArray(tickets.status, ["resolved", "closed"]),
            // Closed without a resolution time: the last change stands in for it.
            sql`coalesce(${tickets.resolvedAt}, ${tickets.updatedAt}) < ${cutoff.toISOString()}::timestamptz`,
            // Not purged yet (a purged ticket has an empty contact).
            ne(tickets.payerContact, ""),
          ),
        )
        .orderBy(tickets.id)
        .limit(batch)
        .for("update", { skipLocked: true });
      if (due.length === 0) return { count: 0, removedFiles: [] as string[] };
      const ids = due.map((t) => t.id);
      const storage = proofStorage();
      const files = await tx.select({ id: ticketAttachments.id, key: ticketAttachments.storageKey, ticketId: ticketAttachments.ticketId }).from(ticketAttachments).where(inArray(ticketAttachments.ticketId, ids));
      // The database store deletes in this transaction; files on disk go after the commit (below).
      if (storage.kind === "database") for (const file of files) await storage.remove(file.key, tx);
      if (files.length > 0) await tx.delete(ticketAttachments).where(inArray(ticketAttachments.ticketId, ids));
      await tx.update(ticketEvents).set({ body: null }).where(and(inArray(ticketEvents.ticketId, ids), isNotNull(ticketEvents.body)));
      await tx.update(tickets).set({ payerContact: "", description: "", idempotencyKey: null }).where(inArray(tickets.id, ids));
      await tx.delete(outbox).where(
        or(
          inArray(sql`${outbox.payload}->>'ticketRef'`, due.map((t) => t.ref)),
          ...due.map((t) => sql`${outbox.dedupeKey} like ${`%:${t.ref}`} or ${outbox.dedupeKey} like ${`%:${t.ref}:%`}`),
        ),
      );
      for (const t of due) {
        await recordAudit(tx, {
          actor: "system",
          action: "ticket.retention_purge",
          objectType: "ticket",
          objectId: t.ref,
          outcome: "ok",
          detail: { retentionDays, proofs: files.filter((f) => f.ticketId === t.id).length },
        });
      }
      return { count: due.length, removedFiles: storage.kind === "filesystem" ? files.map((f) => f.key) : [] };
    });
    // A crash before these leaves files no row names: the filesystem store's orphan sweep removes them.
    for (const key of removedFiles) await proofStorage().remove(key);
    purged += count;
    if (count < batch) return purged;
  }
}
