import "server-only";
import { and, asc, eq, isNull, sql } from "drizzle-orm";
import { env } from "@/lib/env";
import { log } from "@/lib/log";
import { decideProofCheck, AMOUNT_WINDOW_DAYS, DHASH_SAME_IMAGE, type EvidenceLine, type ProofCheckResult, type StoreEvidence } from "@/lib/proofs/check";
import type { Extraction } from "@/lib/proofs/extract";
import { parseProofFields, type ProofFields } from "@/lib/proofs/fields";
import { db, type Executor, queryRows } from "../client";
import { proofChecks, ticketAttachments, ticketEvents } from "../schema";
import { proofStorage, type ProofStorage } from "./proof-storage";

/**
 * Reading uploaded proofs in the job runner (issue 15): each attachment is
 * claimed once (a row in proof_checks, so N workers share the work), read off
 * the request path with a time and memory cap (lib/proofs/extract-off-thread),
 * parsed (lib/proofs/fields) and compared with the settlement lines, the
 * channel confirmations and the receipt (lib/proofs/check). The result is
 * stored per proof and written to the ticket as an internal event. Nothing is
 * posted: a proposed line waits for a clerk's click (manualMatch).
 */

/** Proofs read per worker pass: ~1 s each, so a pass stays short. */
const BATCH = 5;
/** A claim older than this without a result was lost (worker killed): it is taken again. */
const STALE_CLAIM_MS = 10 * 60_000;
/** After this many lost claims the proof is given up as unreadable (it keeps killing its reader). */
const MAX_ATTEMPTS = 3;

type Claimed = { checkId: number; attachmentId: number; ticketId: number; storageKey: string; contentType: string; attempts: number };

/** New proofs, then lost claims, up to `limit`; each returned row is this caller's to finish. */
export async function claimProofChecks(now: Date, limit = BATCH, tx: Executor = db()): Promise<Claimed[]> {
  const fresh = await queryRows<{ id: string | number }>(
    tx,
    sql`insert into proof_checks (attachment_id, ticket_id, claimed_at)
        select a.id, a.ticket_id, ${now.toISOString()}::timestamptz from ticket_attachments a
        where not exists (select 1 from proof_checks c where c.attachment_id = a.id)
        order by a.id limit ${limit}
        on conflict (attachment_id) do nothing
        returning id`,
  );
  const room = limit - fresh.length;
  const stale =
    room > 0
      ? await queryRows<{ id: string | number }>(
          tx,
          sql`update proof_checks set claimed_at = ${now.toISOString()}::timestamptz, attempts = attempts + 1
              where id in (select id from proof_checks where checked_at is null and claimed_at < ${new Date(now.getTime() - STALE_CLAIM_MS).toISOString()}::timestamptz
                           order by claimed_at limit ${room} for update skip locked)
              returning id`,
        )
      : [];
  const ids = [...fresh, ...stale].map((r) => Number(r.id));
  if (ids.length === 0) return [];
  const rows = await tx
    .select({ checkId: proofChecks.id, attachmentId: proofChecks.attachmentId, ticketId: proofChecks.ticketId, attempts: proofChecks.attempts, storageKey: ticketAttachments.storageKey, contentType: ticketAttachments.contentType })
    .from(proofChecks)
    .innerJoin(ticketAttachments, eq(ticketAttachments.id, proofChecks.attachmentId))
    .where(sql`${proofChecks.id} in (${sql.join(ids.map((id) => sql`${id}`), sql`, `)})`)
    .orderBy(asc(proofChecks.id));
  return rows;
}

export type ProofCheckRunOptions = {
  /** How a proof is read: extractOffThread (lib/proofs/extract-off-thread.ts) in the worker loop; tests pass a stand-in. Kept out of this module so that pages importing it do not bundle the reader. */
  extract: (bytes: Buffer, contentType: string) => Promise<Extraction>;
  storage?: ProofStorage;
  timeZone?: string;
};

/** One pass: claims up to BATCH proofs, reads and checks each. Returns how many were checked. */
export async function runProofChecks(now: Date, options: ProofCheckRunOptions, executor: Executor = db()): Promise<number> {
  const { extract } = options;
  const storage = options.storage ?? proofStorage();
  const claimed = await claimProofChecks(now, BATCH, executor);
  for (const proof of claimed) {
    let extraction: Extraction = { ok: false, reason: "failed", dhash: null };
    if (proof.attempts <= MAX_ATTEMPTS) {
      const bytes = await storage.get(proof.storageKey, executor);
      if (bytes) extraction = await extract(bytes, proof.contentType);
    }
    await recordProofCheck(proof, extraction, now, options.timeZone ?? env().TZ, executor);
  }
  return claimed.length;
}

/** Parses, gathers the evidence, decides and stores, with its ticket event, in one transaction. */
async function recordProofCheck(proof: Claimed, extraction: Extraction, now: Date, timeZone: string, executor: Executor): Promise<ProofCheckResult | null> {
  const fields = extraction.ok ? parseProofFields(extraction.text) : null;
  return executor.transaction(async (tx) => {
    const evidence = await gatherEvidence(proof, fields, extraction.dhash, timeZone, tx);
    const decision = decideProofCheck(fields, evidence);
    if (!extraction.ok) decision.detail.readFailure = extraction.reason;
    const [done] = await tx
      .update(proofChecks)
      .set({
        checkedAt: now,
        result: decision.result,
        source: extraction.ok ? extraction.source : null,
        fields: (fields ?? {}),
        transactionId: fields?.transactionId?.value ?? null,
        dhash: extraction.dhash,
        detail: decision.detail,
        proposedLineId: decision.proposedLineId,
      })
      .where(and(eq(proofChecks.id, proof.checkId), isNull(proofChecks.checkedAt)))
      .returning({ id: proofChecks.id });
    // Another worker finished it after this one's claim went stale: its result stands.
    if (!done) return null;
    await tx.insert(ticketEvents).values({
      ticketId: proof.ticketId,
      at: now,
      actor: "system",
      kind: "proof_checked",
      public: false,
      data: { attachment: proof.attachmentId, result: decision.result, line: decision.proposedLineId ?? (typeof decision.detail.lineId === "number" ? decision.detail.lineId : null) },
    });
    log("info", "proof_checked", { result: decision.result, source: extraction.ok ? extraction.source : extraction.reason });
    return decision.result;
  });
}

type LineRow = { id: string | number; amount_fen: string | number; value_date: string; bank_ref: string | null; matched_receipt_id: string | number | null };
const lineOf = (row: LineRow): EvidenceLine => ({
  id: Number(row.id),
  amountFen: Number(row.amount_fen),
  valueDate: String(row.value_date).slice(0, 10),
  bankRef: row.bank_ref,
  matchedReceiptId: row.matched_receipt_id === null ? null : Number(row.matched_receipt_id),
});

async function gatherEvidence(proof: Claimed, fields: ProofFields | null, dhash: string | null, timeZone: string, tx: Executor): Promise<StoreEvidence> {
  const [ticket] = await queryRows<{ ticket_receipt_no: string | null; receipt_id: string | number | null; receipt_no: string | null; paid_date: string | null; matched: boolean | null; also_on: string | null }>(
    tx,
    sql`select t.receipt_no as ticket_receipt_no, r.id as receipt_id, r.receipt_no, (r.paid_at at time zone ${timeZone})::date::text as paid_date,
               exists (select 1 from matches m where m.receipt_id = r.id) as matched, a.also_on_receipt_no as also_on
        from tickets t
        join ticket_attachments a on a.id = ${proof.attachmentId}
        left join receipts r on r.id = t.receipt_id or (t.receipt_id is null and r.receipt_no = t.receipt_no)
        where t.id = ${proof.ticketId}
        limit 1`,
  );
  const receiptNo = ticket?.ticket_receipt_no ?? null;
  const receipt =
    ticket?.receipt_id != null ? { id: Number(ticket.receipt_id), receiptNo: ticket.receipt_no!, paidDate: ticket.paid_date, matched: Boolean(ticket.matched) } : null;
  const txn = fields?.transactionId?.value ?? null;
  const refs = [...new Set([txn, fields?.orderNo?.value ?? null].filter((v): v is string => v !== null).map((v) => v.toUpperCase()))];

  let reusedFor: StoreEvidence["reusedFor"] = ticket?.also_on ? { receiptNo: ticket.also_on, by: "file" } : null;
  if (!reusedFor && txn) {
    const [row] = await queryRows<{ receipt_no: string }>(
      tx,
      sql`select t.receipt_no from proof_checks c join tickets t on t.id = c.ticket_id
          where c.transaction_id = ${txn} and c.attachment_id <> ${proof.attachmentId} and t.receipt_no is not null and t.receipt_no is distinct from ${receiptNo}
          order by c.id limit 1`,
    );
    if (row) reusedFor = { receiptNo: row.receipt_no, by: "transaction_id" };
  }
  if (!reusedFor && dhash) {
    // The same picture, unless both slips were read and carry different transaction numbers (templated screens look alike).
    const [row] = await queryRows<{ receipt_no: string }>(
      tx,
      sql`select t.receipt_no from proof_checks c join tickets t on t.id = c.ticket_id
          where c.dhash is not null and c.attachment_id <> ${proof.attachmentId} and t.receipt_no is not null and t.receipt_no is distinct from ${receiptNo}
            and bit_count(('x' || c.dhash)::bit(64) # ('x' || ${dhash})::bit(64)) <= ${DHASH_SAME_IMAGE}
            and (c.transaction_id is null or ${txn}::text is null or c.transaction_id = ${txn})
          order by c.id limit 1`,
    );
    if (row) reusedFor = { receiptNo: row.receipt_no, by: "image" };
  }

  const lineColumns = sql`l.id, l.amount_fen, l.value_date::text as value_date, l.bank_ref, m.receipt_id as matched_receipt_id`;
  const [referenceRow] =
    refs.length === 0
      ? []
      : await queryRows<LineRow>(
          tx,
          sql`select ${lineColumns} from settlement_lines l left join matches m on m.settlement_line_id = l.id
              where upper(btrim(l.bank_ref)) in (${sql.join(refs.map((r) => sql`${r}`), sql`, `)})
              order by (m.id is null) desc, l.id limit 1`,
        );
  const [confirmation] = txn
    ? await queryRows<{ channel: string; amount_fen: string | number; receipt_no: string | null }>(
        tx,
        sql`select channel, amount_fen, receipt_no from channel_confirmations where transaction_id = ${txn} order by id limit 1`,
      )
    : [];
  const amount = fields?.amount?.value ?? null;
  const date = fields?.date?.value ?? null;
  const amountRows =
    amount === null || date === null
      ? []
      : await queryRows<LineRow>(
          tx,
          sql`select ${lineColumns} from settlement_lines l left join matches m on m.settlement_line_id = l.id
              where l.amount_fen = ${amount}
                and l.value_date between ${date}::date - ${AMOUNT_WINDOW_DAYS.before}::int and ${date}::date + ${AMOUNT_WINDOW_DAYS.after}::int
                and (m.id is null or m.receipt_id = ${receipt?.id ?? null}::bigint)
              order by abs(l.value_date - ${date}::date), l.id limit 20`,
        );
  return {
    reusedFor,
    referenceLine: referenceRow ? lineOf(referenceRow) : null,
    confirmation: confirmation ? { channel: confirmation.channel, amountFen: Number(confirmation.amount_fen), receiptNo: confirmation.receipt_no } : null,
    amountLines: amountRows.map(lineOf),
    receipt,
  };
}

export type ProofCheckView = {
  attachmentId: number;
  result: ProofCheckResult | null;
  detail: Record<string, string | number | boolean | null>;
  fields: Partial<Record<keyof ProofFields, { value: string | number; confidence: number } | null>>;
  proposedLine: { id: number; bankRef: string | null; amountFen: number; valueDate: string; matched: boolean } | null;
};

/**
 * The checks of a ticket's proofs, by attachment (pending ones with a null
 * result). Unscoped: call only after staffTicket has checked the reader may
 * see the ticket.
 */
export async function unsafeProofChecksForTicket(ticketId: number, tx: Executor = db()): Promise<ProofCheckView[]> {
  const rows = await queryRows<{
    attachment_id: string | number;
    result: ProofCheckResult | null;
    detail: ProofCheckView["detail"];
    fields: ProofCheckView["fields"];
    line_id: string | number | null;
    bank_ref: string | null;
    amount_fen: string | number | null;
    value_date: string | null;
    line_matched: boolean | null;
  }>(
    tx,
    sql`select c.attachment_id, c.result, c.detail, c.fields, l.id as line_id, l.bank_ref, l.amount_fen, l.value_date::text as value_date,
               exists (select 1 from matches m where m.settlement_line_id = l.id) as line_matched
        from proof_checks c left join settlement_lines l on l.id = c.proposed_line_id
        where c.ticket_id = ${ticketId}
        order by c.attachment_id`,
  );
  return rows.map((r) => ({
    attachmentId: Number(r.attachment_id),
    result: r.result,
    detail: r.detail ?? {},
    fields: r.fields ?? {},
    proposedLine:
      r.line_id === null ? null : { id: Number(r.line_id), bankRef: r.bank_ref, amountFen: Number(r.amount_fen), valueDate: String(r.value_date).slice(0, 10), matched: Boolean(r.line_matched) },
  }));
}

/**
 * The line proposed for a ticket's proof and the receipt it would match, from
 * the store (never from the form). Unscoped: manualMatch checks the caller may
 * match that receipt.
 */
export async function unsafeProposedMatch(ref: string, attachmentId: number, tx: Executor = db()): Promise<{ receiptId: number; lineId: number } | null> {
  const [row] = await queryRows<{ receipt_id: string | number; line_id: string | number }>(
    tx,
    sql`select t.receipt_id, c.proposed_line_id as line_id
        from proof_checks c join tickets t on t.id = c.ticket_id
        where t.ref = ${ref} and c.attachment_id = ${attachmentId} and c.proposed_line_id is not null and t.receipt_id is not null
        limit 1`,
  );
  return row ? { receiptId: Number(row.receipt_id), lineId: Number(row.line_id) } : null;
}
