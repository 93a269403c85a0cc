import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import type { Extraction } from "@/lib/proofs/extract";
import { withLuhnDigit } from "@/lib/receipt-number";
import { channelConfirmations, matches, proofChecks, receipts, settlementBatches, settlementLines, ticketAttachments, ticketEvents, tickets } from "../schema";
import { databaseKind, setupTestDatabase } from "../testing/test-db";
import { runProofChecks, unsafeProofChecksForTicket } from "./proof-checks";
import { databaseProofStorage, newStorageKey } from "./proof-storage";

const { handle } = setupTestDatabase();
const now = new Date("2026-11-18T10:00:00+08:00");
const storage = databaseProofStorage();

let serial = 0;
async function receipt(amountFen = 5000) {
  const receiptNo = withLuhnDigit(`20269800000${String(++serial).padStart(4, "0")}`);
  const [row] = await handle()
    .db.insert(receipts)
    .values({ receiptNo, service: "hukou", payerName: "张三", amountDueFen: amountFen, amountPaidFen: amountFen, channel: "wechat", paidAt: new Date("2026-11-10T10:00:00+08:00"), billingStatus: "unpaid" })
    .returning({ id: receipts.id, receiptNo: receipts.receiptNo });
  return row!;
}
async function line(values: { amountFen: number; valueDate: string; bankRef?: string }) {
  const [batch] = await handle().db.insert(settlementBatches).values({ fileHash: `pc-${++serial}`, fileName: "t", format: "csv" }).returning({ id: settlementBatches.id });
  const [row] = await handle()
    .db.insert(settlementLines)
    .values({ batchId: batch!.id, lineKey: `pc-${serial}`, channel: "wechat", ...values })
    .returning({ id: settlementLines.id });
  return row!.id;
}
/** A ticket for the receipt with one uploaded proof whose "bytes" are the slip's text; returns the ticket and attachment ids. */
async function ticketWithProof(r: { id: number; receiptNo: string }, slipText: string) {
  const [t] = await handle()
    .db.insert(tickets)
    .values({ ref: `T-PC${++serial}`, receiptNo: r.receiptNo, receiptId: r.id, category: "not_posted", status: "open", queue: "data_entry", paymentStatus: "unpaid", description: "x", payerContact: "r@example.cn", trackingTokenHash: "h" })
    .returning({ id: tickets.id });
  const key = newStorageKey("png");
  await storage.put(key, Buffer.from(slipText));
  const [a] = await handle()
    .db.insert(ticketAttachments)
    .values({ ticketId: t!.id, storageKey: key, contentType: "image/png", sizeBytes: slipText.length, sha256: `s${serial}`, originalSha256: `o${serial}` })
    .returning({ id: ticketAttachments.id });
  return { ticketId: t!.id, attachmentId: a!.id };
}

/** Reads the stored "image" as its own OCR text; the dHash is given by a marker line, so tests choose which images look alike. */
const readAsText = (bytes: Buffer): Promise<Extraction> => {
  const text = bytes.toString();
  return Promise.resolve({ ok: true, source: "ocr", text, dhash: /^dhash:([0-9a-f]{16})$/m.exec(text)?.[1] ?? null });
};

const slip = (o: { txn?: string; amount?: string; date?: string; dhash?: string }) =>
  [o.dhash ? `dhash:${o.dhash}` : "", "账单详情", o.amount ? `-${o.amount}` : "", `支付时间 ${o.date ?? "2026年11月10日 10:00:00"}`, o.txn ? `交易单号 ${o.txn}` : ""].join("\n");

async function checkAll() {
  while ((await runProofChecks(now, { extract: readAsText, storage, timeZone: "Asia/Shanghai" })) > 0);
}
const checkOf = async (attachmentId: number) => (await handle().db.select().from(proofChecks).where(eq(proofChecks.attachmentId, attachmentId)))[0]!;

describe(`proof checks on ${databaseKind()}`, () => {
  it("a slip whose transaction number is an unmatched line of the same amount: reference_match, a proposed line, an internal event, nothing posted", async () => {
    const r = await receipt(5000);
    const txn = `42000${++serial}202611100000000001`;
    const lineId = await line({ amountFen: 5000, valueDate: "2026-11-11", bankRef: txn });
    const { ticketId, attachmentId } = await ticketWithProof(r, slip({ txn, amount: "50.00" }));
    await checkAll();

    const check = await checkOf(attachmentId);
    expect(check).toMatchObject({ result: "reference_match", proposedLineId: lineId, transactionId: txn, source: "ocr" });
    expect(check.detail).toMatchObject({ lineId, sameAmount: true });
    const events = await handle().db.select().from(ticketEvents).where(eq(ticketEvents.ticketId, ticketId));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ kind: "proof_checked", public: false, actor: "system", data: { attachment: attachmentId, result: "reference_match", line: lineId } });
    expect(await handle().db.select().from(matches).where(eq(matches.settlementLineId, lineId))).toEqual([]);
    expect((await unsafeProofChecksForTicket(ticketId))[0]).toMatchObject({ attachmentId, result: "reference_match", proposedLine: { id: lineId, amountFen: 5000, matched: false } });
  });

  it("reference_match without a proposal when the amounts differ or the line is already someone else's", async () => {
    const r = await receipt(5000);
    const txn1 = `42000${++serial}202611100000000002`;
    await line({ amountFen: 4000, valueDate: "2026-11-11", bankRef: txn1 });
    const txn2 = `42000${++serial}202611100000000003`;
    const taken = await line({ amountFen: 5000, valueDate: "2026-11-11", bankRef: txn2 });
    const other = await receipt(5000);
    await handle().db.insert(matches).values({ settlementLineId: taken, receiptId: other.id, method: "reference" });
    const a = await ticketWithProof(r, slip({ txn: txn1, amount: "50.00" }));
    const b = await ticketWithProof(await receipt(5000), slip({ txn: txn2, amount: "50.00" }));
    await checkAll();
    expect(await checkOf(a.attachmentId)).toMatchObject({ result: "reference_match", proposedLineId: null, detail: { sameAmount: false } });
    expect(await checkOf(b.attachmentId)).toMatchObject({ result: "reference_match", proposedLineId: null, detail: { lineMatchedElsewhere: true } });
  });

  it("a channel confirmation of the transaction number is a reference match too", async () => {
    const r = await receipt(3300);
    const txn = `42000${++serial}202611100000000004`;
    await handle().db.insert(channelConfirmations).values({ channel: "wechat", transactionId: txn, outTradeNo: r.receiptNo, receiptNo: r.receiptNo, amountFen: 3300, paidAt: now });
    const { attachmentId } = await ticketWithProof(r, slip({ txn, amount: "33.00" }));
    await checkAll();
    expect(await checkOf(attachmentId)).toMatchObject({ result: "reference_match", proposedLineId: null, detail: { confirmationChannel: "wechat", sameAmount: true } });
  });

  it("same amount in the date window: amount_match, with the slip's date against the billing record's", async () => {
    const r = await receipt(7731);
    const lineId = await line({ amountFen: 7731, valueDate: "2026-11-11" });
    await line({ amountFen: 7731, valueDate: "2026-11-20" }); // outside the window
    const { attachmentId } = await ticketWithProof(r, slip({ amount: "77.31", date: "2026年11月09日 18:00:00", txn: "X" + String(++serial).padStart(9, "0") }));
    await checkAll();
    expect(await checkOf(attachmentId)).toMatchObject({ result: "amount_match", proposedLineId: null, detail: { lineId, dayOffset: -1, lines: 1 } });
  });

  it("nothing in the statements: not_found_yet; nothing readable: unreadable", async () => {
    const a = await ticketWithProof(await receipt(9911), slip({ amount: "99.11", txn: `42000${++serial}202611100000000005` }));
    const b = await ticketWithProof(await receipt(9912), "~~~ @@@");
    await checkAll();
    expect((await checkOf(a.attachmentId)).result).toBe("not_found_yet");
    expect((await checkOf(b.attachmentId)).result).toBe("unreadable");
  });

  it("a reader that fails (engine missing, timeout) leaves the proof unreadable and the ticket as it was", async () => {
    const { ticketId, attachmentId } = await ticketWithProof(await receipt(), slip({ amount: "50.00" }));
    const [before] = await handle().db.select().from(tickets).where(eq(tickets.id, ticketId));
    await runProofChecks(now, { extract: () => Promise.resolve({ ok: false, reason: "engine_missing", dhash: null }), storage });
    expect(await checkOf(attachmentId)).toMatchObject({ result: "unreadable", detail: { readFailure: "engine_missing" } });
    expect((await handle().db.select().from(tickets).where(eq(tickets.id, ticketId)))[0]).toEqual(before);
  });

  it("the same transaction number sent for another receipt is reused, naming that receipt", async () => {
    const first = await receipt();
    const txn = `42000${++serial}202611100000000006`;
    await ticketWithProof(first, slip({ txn, amount: "50.00" }));
    await checkAll();
    const { attachmentId } = await ticketWithProof(await receipt(), slip({ txn, amount: "50.00" }));
    await checkAll();
    expect(await checkOf(attachmentId)).toMatchObject({ result: "reused", detail: { otherReceiptNo: first.receiptNo, by: "transaction_id" } });
  });

  it("the same picture (dHash within 10 bits) is reused unless both transaction numbers were read and differ", async () => {
    const first = await receipt();
    await ticketWithProof(first, slip({ txn: `42000${++serial}202611100000000007`, amount: "50.00", dhash: "f0f0f0f0f0f0f0f0" }));
    await checkAll();
    const otherNumber = await ticketWithProof(await receipt(), slip({ txn: `42000${++serial}202611100000000008`, amount: "50.00", dhash: "f0f0f0f0f0f0f0f0" }));
    const farImage = await ticketWithProof(await receipt(), slip({ amount: "50.00", dhash: "0f0f0f0f0f0f0f0f" }));
    await checkAll();
    const unreadNumber = await ticketWithProof(await receipt(), slip({ amount: "50.00", dhash: "f0f0f0f0f0f0f0f3" }));
    await checkAll();
    expect(await checkOf(unreadNumber.attachmentId)).toMatchObject({ result: "reused", detail: { otherReceiptNo: first.receiptNo, by: "image" } });
    expect((await checkOf(otherNumber.attachmentId)).result).not.toBe("reused");
    expect((await checkOf(farImage.attachmentId)).result).not.toBe("reused");
  });

  it("two workers at once check each proof once", async () => {
    const proofs = await Promise.all(Array.from({ length: 7 }, async () => ticketWithProof(await receipt(), slip({ amount: "50.00" }))));
    await Promise.all([checkAll(), checkAll()]);
    for (const p of proofs) {
      const events = await handle().db.select().from(ticketEvents).where(eq(ticketEvents.ticketId, p.ticketId));
      expect(events.filter((e) => e.kind === "proof_checked")).toHaveLength(1);
    }
  });
});
