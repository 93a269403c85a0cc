import { createHash } from "node:crypto";
import { eq, inArray, or } from "drizzle-orm";
import { PDFDocument, StandardFonts, rgb } from "pdf-lib";
import sharp from "sharp";
import { addDays, zonedParts } from "@/lib/dates";
import type { TicketCategory, TicketQueue, TicketStatus } from "@/lib/routing";
import { slaDueAt } from "@/lib/sla";
import { hashTrackingSecret, newTicketRef, newTrackingSecret } from "@/lib/tickets";
import type { Db, Tx } from "../client";
import { loadCalendar } from "../queries/calendar";
import { newStorageKey, proofStorage } from "../queries/proof-storage";
import { matches, receipts, settlementBatches, settlementLines, staff, ticketAttachments, ticketEvents, tickets } from "../schema";
import { DEMO_TICKET_RECEIPTS } from "./demo-receipts";
import { DEMO_STAFF } from "./demo-staff";

/**
 * Issue 18: tickets in every queue, so the console a newcomer opens is not all zeros — some claimed,
 * some past due, one waiting on the payer, one with an image proof and one with a PDF proof. Each is
 * on a receipt of its own (numbers 41–47), apart from the one-per-status receipts the browser tests
 * report on, so "one open ticket per receipt and category" never meets a test's report. Re-running
 * leaves tickets already seeded as the newcomer left them (their receipts are reset in place).
 */
export { DEMO_TICKET_RECEIPTS };

type Seeded = {
  receiptNo: string;
  receipt: { service: string; payerName: string; dueFen: number; paidFen: number | null; channel: string; paidDaysAgo: number | null; billing: "paid" | "unpaid"; lines: number[] };
  ticket: { queue: TicketQueue; category: TicketCategory; status: TicketStatus; paymentStatus: string; priority: number; slaDays: number; hoursAgo: number; contact: string; description: string };
  claimedBy?: string;
  proof?: "image" | "pdf";
  askedInfo?: boolean;
};

const AGENT = DEMO_STAFF.find((s) => s.email === "demo-agent@paystatus.invalid")!.email;
const CLERK = DEMO_STAFF.find((s) => s.email === "demo-clerk@paystatus.invalid")!.email;
const SUPERVISOR = DEMO_STAFF.find((s) => s.role === "supervisor")!.email;

const SEEDED: Seeded[] = [
  {
    receiptNo: DEMO_TICKET_RECEIPTS.bankLiaison,
    receipt: { service: "tax", payerName: "韩二一", dueFen: 98000, paidFen: 98000, channel: "online_bank", paidDaysAgo: 15, billing: "paid", lines: [] },
    ticket: { queue: "bank_liaison", category: "not_posted", status: "open", paymentStatus: "overdue", priority: 1, slaDays: 2, hoursAgo: 5 * 24, contact: "13900000041", description: "半个月前网银缴的税款，银行已扣款，但查询一直显示未入账。" },
    claimedBy: AGENT,
  },
  {
    receiptNo: DEMO_TICKET_RECEIPTS.finance,
    receipt: { service: "hukou", payerName: "杨二二", dueFen: 2500, paidFen: 2000, channel: "alipay", paidDaysAgo: 3, billing: "paid", lines: [2000] },
    ticket: { queue: "finance", category: "wrong_amount", status: "open", paymentStatus: "amount_mismatch", priority: 2, slaDays: 3, hoursAgo: 2, contact: "yang.erer@example.invalid", description: "窗口告诉我是 20 元，现在显示还差 5 元，请核实收费标准。" },
  },
  {
    receiptNo: DEMO_TICKET_RECEIPTS.refunds,
    receipt: { service: "hukou", payerName: "朱二三", dueFen: 2500, paidFen: 2500, channel: "wechat", paidDaysAgo: 4, billing: "paid", lines: [2500, 2500] },
    ticket: { queue: "refunds", category: "duplicate_charge", status: "open", paymentStatus: "duplicate", priority: 1, slaDays: 5, hoursAgo: 26, contact: "13900000043", description: "手机卡顿点了两次，被扣了两次 25 元。" },
    claimedBy: CLERK,
  },
  {
    receiptNo: DEMO_TICKET_RECEIPTS.imageProof,
    receipt: { service: "tax", payerName: "秦二四", dueFen: 12000, paidFen: null, channel: "counter", paidDaysAgo: null, billing: "unpaid", lines: [] },
    ticket: { queue: "data_entry", category: "not_posted", status: "open", paymentStatus: "unpaid", priority: 1, slaDays: 2, hoursAgo: 3, contact: "13900000044", description: "已在窗口刷卡缴费，附上银行扣款短信截图。" },
    proof: "image",
  },
  {
    receiptNo: DEMO_TICKET_RECEIPTS.pdfProof,
    receipt: { service: "medical_insurance", payerName: "尤二五", dueFen: 30000, paidFen: null, channel: "wechat", paidDaysAgo: null, billing: "unpaid", lines: [] },
    ticket: { queue: "data_entry", category: "not_posted", status: "open", paymentStatus: "unpaid", priority: 1, slaDays: 2, hoursAgo: 20, contact: "you.erwu@example.invalid", description: "微信支付成功，附上支付凭证 PDF。" },
    proof: "pdf",
  },
  {
    receiptNo: DEMO_TICKET_RECEIPTS.records,
    receipt: { service: "hukou", payerName: "许二六", dueFen: 2500, paidFen: 2500, channel: "wechat", paidDaysAgo: 6, billing: "paid", lines: [2500] },
    ticket: { queue: "records", category: "info_change", status: "waiting_on_payer", paymentStatus: "posted", priority: 3, slaDays: 5, hoursAgo: 50, contact: "13900000046", description: "缴费人姓名写错了一个字，应为“许二陆”。" },
    claimedBy: SUPERVISOR,
    askedInfo: true,
  },
  {
    receiptNo: DEMO_TICKET_RECEIPTS.invoices,
    receipt: { service: "other", payerName: "何二七", dueFen: 5000, paidFen: 5000, channel: "alipay", paidDaysAgo: 12, billing: "paid", lines: [5000] },
    ticket: { queue: "invoices", category: "invoice_missing", status: "open", paymentStatus: "posted", priority: 3, slaDays: 3, hoursAgo: 9 * 24, contact: "he.erqi@example.invalid", description: "已经入账，但一直没有收到电子票据。" },
  },
];

const BATCH_HASH = "demo-seed-tickets";
const hours = (now: Date, h: number) => new Date(now.getTime() - h * 3_600_000);
const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");

/** A bank SMS screenshot, drawn (no real person's data). */
async function demoImageProof(receiptNo: string): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="480" height="300"><rect width="480" height="300" fill="#f3f4f6"/><rect x="20" y="20" width="440" height="260" rx="16" fill="#ffffff" stroke="#9ca3af"/>
<text x="40" y="70" font-family="sans-serif" font-size="22" fill="#111827">DEMO BANK  95588</text>
<text x="40" y="120" font-family="sans-serif" font-size="20" fill="#111827">Card *1234 debited CNY 120.00</text>
<text x="40" y="160" font-family="sans-serif" font-size="20" fill="#111827">Ref ${receiptNo}</text>
<text x="40" y="230" font-family="sans-serif" font-size="16" fill="#6b7280">Demo proof - not a real payment</text></svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

/** A one-page payment slip, text only: no actions, no scripts (what the upload check lets through). */
async function demoPdfProof(receiptNo: string): Promise<Buffer> {
  const pdf = await PDFDocument.create();
  const page = pdf.addPage([420, 297]);
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  const lines = ["WeChat Pay - payment slip (DEMO)", `Receipt ${receiptNo}`, "Amount CNY 300.00", "Transaction 4200002026120330000000004545", "Demo proof - not a real payment"];
  lines.forEach((text, i) => page.drawText(text, { x: 30, y: 250 - i * 36, size: i === 0 ? 18 : 14, font, color: rgb(0.07, 0.09, 0.15) }));
  return Buffer.from(await pdf.save());
}

export async function seedDemoTickets(db: Db, options: { now?: Date; timeZone?: string } = {}): Promise<number> {
  const now = options.now ?? new Date();
  const timeZone = options.timeZone ?? "Asia/Shanghai";
  const today = zonedParts(now, timeZone).date;
  const numbers = SEEDED.map((s) => s.receiptNo);
  const files = new Map<string, Buffer>();
  for (const s of SEEDED) if (s.proof) files.set(s.receiptNo, s.proof === "image" ? await demoImageProof(s.receiptNo) : await demoPdfProof(s.receiptNo));

  return db.transaction(async (tx) => {
    const receiptIds = await seedReceipts(tx, now, today);
    const existing = await tx.select({ id: tickets.id }).from(tickets).where(inArray(tickets.receiptNo, numbers)).limit(1);
    if (existing.length > 0) return 0;
    const calendar = await loadCalendar(tx);
    const staffRows = await tx.select({ id: staff.id, email: staff.email }).from(staff).where(inArray(staff.email, [AGENT, CLERK, SUPERVISOR]));
    const staffId = (email: string | undefined) => staffRows.find((r) => r.email === email)?.id ?? null;
    for (const s of SEEDED) {
      const createdAt = hours(now, s.ticket.hoursAgo);
      const assigneeId = staffId(s.claimedBy);
      const pausedAt = s.askedInfo ? hours(now, s.ticket.hoursAgo - 2) : null;
      const [ticket] = await tx
        .insert(tickets)
        .values({
          ref: newTicketRef(), receiptNo: s.receiptNo, receiptId: receiptIds.get(s.receiptNo)!, category: s.ticket.category, status: s.ticket.status, queue: s.ticket.queue,
          priority: s.ticket.priority, paymentStatus: s.ticket.paymentStatus, dueAt: slaDueAt(createdAt, s.ticket.slaDays, calendar, timeZone), pausedAt, assigneeId,
          description: s.ticket.description, payerContact: s.ticket.contact, locale: "zh-CN", trackingTokenHash: hashTrackingSecret(newTrackingSecret()), createdAt, updatedAt: createdAt,
        })
        .returning({ id: tickets.id });
      const [created] = await tx
        .insert(ticketEvents)
        .values({ ticketId: ticket!.id, at: createdAt, actor: "resident", kind: "created", public: true, body: s.ticket.description, data: { queue: s.ticket.queue, paymentStatus: s.ticket.paymentStatus } })
        .returning({ id: ticketEvents.id });
      const bytes = files.get(s.receiptNo);
      if (bytes) {
        const extension = s.proof === "image" ? "png" : "pdf";
        const key = newStorageKey(extension);
        await proofStorage().put(key, bytes, tx);
        await tx.insert(ticketAttachments).values({
          ticketId: ticket!.id, eventId: created!.id, storageKey: key, contentType: s.proof === "image" ? "image/png" : "application/pdf", sizeBytes: bytes.length, sha256: sha256(bytes), originalSha256: sha256(bytes), createdAt,
        });
      }
      if (assigneeId) {
        await tx.insert(ticketEvents).values({ ticketId: ticket!.id, at: hours(now, s.ticket.hoursAgo - 1), actor: "staff", staffId: assigneeId, kind: "claimed", public: false, data: { assigneeId } });
      }
      if (s.askedInfo) {
        await tx.insert(ticketEvents).values({ ticketId: ticket!.id, at: pausedAt!, actor: "staff", staffId: assigneeId, kind: "info_requested", public: true, body: "请上传户口簿本人页照片，以便核对姓名。" });
      }
    }
    return SEEDED.length;
  });
}

/** The tickets' receipts, reset in place on every run, with their statement lines matched (so none is an exception). */
async function seedReceipts(tx: Tx, now: Date, today: string): Promise<Map<string, number>> {
  const ids = new Map<string, number>();
  for (const [i, s] of SEEDED.entries()) {
    const r = s.receipt;
    const values = {
      receiptNo: s.receiptNo, service: r.service, payerName: r.payerName, payerPhone: `1390000${String(41 + i).padStart(4, "0")}`, amountDueFen: r.dueFen, amountPaidFen: r.paidFen, channel: r.channel,
      paidAt: r.paidDaysAgo === null ? null : hours(now, r.paidDaysAgo * 24), bankRef: r.lines.length > 0 ? `DEMO-TKT-${41 + i}` : null, billingStatus: r.billing, refundAmountFen: null, refundedAt: null, updatedAt: now,
    };
    const [row] = await tx.insert(receipts).values(values).onConflictDoUpdate({ target: receipts.receiptNo, set: values }).returning({ id: receipts.id });
    ids.set(s.receiptNo, row!.id);
  }
  const [batch] = await tx
    .insert(settlementBatches)
    .values({ fileHash: BATCH_HASH, fileName: "demo-tickets", format: "demo" })
    .onConflictDoUpdate({ target: settlementBatches.fileHash, set: { fileName: "demo-tickets" } })
    .returning({ id: settlementBatches.id });
  const batchLines = tx.select({ id: settlementLines.id }).from(settlementLines).where(eq(settlementLines.batchId, batch!.id));
  await tx.delete(matches).where(or(inArray(matches.receiptId, [...ids.values()]), inArray(matches.settlementLineId, batchLines)));
  await tx.delete(settlementLines).where(eq(settlementLines.batchId, batch!.id));
  for (const [i, s] of SEEDED.entries()) {
    for (const [j, amountFen] of s.receipt.lines.entries()) {
      const [line] = await tx
        .insert(settlementLines)
        .values({
          batchId: batch!.id, lineKey: `demo-tickets:${41 + i}:${j}`, bankRef: j === 0 ? `DEMO-TKT-${41 + i}` : `DEMO-TKT-${41 + i}-${j}`, amountFen,
          valueDate: addDays(today, -Math.max(1, (s.receipt.paidDaysAgo ?? 2) - 1) + j), channel: s.receipt.channel, payerAccount: "6222********4321", remittance: `缴费 ${s.receiptNo}`,
        })
        .returning({ id: settlementLines.id });
      await tx.insert(matches).values({ settlementLineId: line!.id, receiptId: ids.get(s.receiptNo)!, method: j === 0 ? "reference" : "remittance" });
    }
  }
  return ids;
}
