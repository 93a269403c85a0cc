import { sql } from "drizzle-orm";
import {
  bigint,
  bigserial,
  boolean,
  check,
  customType,
  date,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  smallint,
  text,
  timestamp,
  uniqueIndex,
} from "drizzle-orm/pg-core";
import { TICKET_CATEGORIES, TICKET_QUEUES, TICKET_STATUSES } from "@/lib/routing";
import { incidents, receipts } from "./receipts";
import { staff } from "./staff";

export const ticketCategory = pgEnum("ticket_category", TICKET_CATEGORIES);
export const ticketStatus = pgEnum("ticket_status", TICKET_STATUSES);
export const ticketQueue = pgEnum("ticket_queue", TICKET_QUEUES);

export const tickets = pgTable(
  "tickets",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    /** Public reference such as T-7K4M-2Q9X: random, not sequential. */
    ref: text("ref").notNull(),
    /** Normalised receipt number as the resident gave it; the receipt may not be in the store yet (not_found). */
    receiptNo: text("receipt_no"),
    receiptId: bigint("receipt_id", { mode: "number" }).references(() => receipts.id),
    category: ticketCategory("category").notNull(),
    status: ticketStatus("status").notNull(),
    queue: ticketQueue("queue").notNull(),
    priority: smallint("priority").notNull().default(2),
    /** The payment status derived at submission (SPEC §2.3 routes on it). */
    paymentStatus: text("payment_status").notNull(),
    /** For waiting_on_settlement tickets: when the payment was expected to post. */
    expectedDate: date("expected_date"),
    dueAt: timestamp("due_at", { withTimezone: true }),
    /** Set while waiting on the resident: the SLA clock is paused. */
    pausedAt: timestamp("paused_at", { withTimezone: true }),
    assigneeId: bigint("assignee_id", { mode: "number" }).references(() => staff.id),
    incidentId: bigint("incident_id", { mode: "number" }).references(() => incidents.id),
    mergedIntoId: bigint("merged_into_id", { mode: "number" }),
    description: text("description").notNull(),
    /** Phone or email (PII): shown to staff only. */
    payerContact: text("payer_contact").notNull(),
    locale: text("locale").notNull().default("zh-CN"),
    /** SHA-256 of the tracking secret; the secret itself is only ever in the resident's link and cookie. */
    trackingTokenHash: text("tracking_token_hash").notNull(),
    /** From the rendered form: a resubmitted form finds its ticket instead of making another. */
    idempotencyKey: text("idempotency_key"),
    rating: smallint("rating"),
    /** Optimistic concurrency: every staff action names the version it saw. */
    version: integer("version").notNull().default(1),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
    resolvedAt: timestamp("resolved_at", { withTimezone: true }),
  },
  (t) => [
    uniqueIndex("tickets_ref_idx").on(t.ref),
    uniqueIndex("tickets_idempotency_idx").on(t.idempotencyKey),
    // SPEC §2.3: one open ticket per receipt and category.
    uniqueIndex("tickets_one_open_idx")
      .on(t.receiptNo, t.category)
      .where(sql`${t.status} not in ('resolved', 'closed') and ${t.mergedIntoId} is null`),
    index("tickets_queue_due_idx").on(t.queue, t.status, t.dueAt, t.id),
    // The dashboard's weekly and daily figures read a window of recent history by creation and resolution time.
    index("tickets_created_idx").on(t.createdAt),
    index("tickets_resolved_idx").on(t.resolvedAt).where(sql`${t.resolvedAt} is not null`),
    // The queue page's "unassigned" view, its count, and the "next ticket" claim: small, ordered by due time per queue.
    index("tickets_unassigned_open_idx").on(t.queue, t.dueAt, t.id).where(sql`${t.status} = 'open' and ${t.assigneeId} is null`),
    // "Assigned to me", ordered by due time; also the least-loaded count of open tickets per clerk.
    index("tickets_assignee_due_idx").on(t.assigneeId, t.status, t.dueAt, t.id),
    check("tickets_rating_check", sql`${t.rating} is null or ${t.rating} between 1 and 5`),
  ],
);

export const ticketEvents = pgTable(
  "ticket_events",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    ticketId: bigint("ticket_id", { mode: "number" })
      .notNull()
      .references(() => tickets.id),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
    /** resident | staff | system */
    actor: text("actor").notNull(),
    staffId: bigint("staff_id", { mode: "number" }).references(() => staff.id),
    /** created | reply | note | info_requested | resident_reply | proof_added | status_changed | escalated | resolved | closed | rated | merged */
    kind: text("kind").notNull(),
    /** Public events are on the resident's timeline; internal notes are not. */
    public: boolean("public").notNull(),
    /** Free text written by a person; system events carry `data` and are translated when shown. */
    body: text("body"),
    data: jsonb("data").$type<Record<string, string | number | null>>().notNull().default({}),
  },
  (t) => [index("ticket_events_ticket_idx").on(t.ticketId, t.at)],
);

export const ticketAttachments = pgTable(
  "ticket_attachments",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    ticketId: bigint("ticket_id", { mode: "number" })
      .notNull()
      .references(() => tickets.id),
    eventId: bigint("event_id", { mode: "number" }).references(() => ticketEvents.id),
    /** Server-made storage key; never derived from the uploaded name. */
    storageKey: text("storage_key").notNull(),
    contentType: text("content_type").notNull(),
    sizeBytes: integer("size_bytes").notNull(),
    /** SHA-256 of the stored (re-encoded) bytes and of the original upload, to spot one proof used for two receipts. */
    sha256: text("sha256").notNull(),
    originalSha256: text("original_sha256").notNull(),
    /** Set when the same file is already attached to a ticket for another receipt: flagged for staff. */
    alsoOnReceiptNo: text("also_on_receipt_no"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("ticket_attachments_ticket_idx").on(t.ticketId), index("ticket_attachments_original_idx").on(t.originalSha256)],
);

const bytea = customType<{ data: Buffer; driverData: Buffer | Uint8Array }>({
  dataType: () => "bytea",
  fromDriver: (value) => Buffer.from(value),
});

/** Default upload storage: in PostgreSQL, so every instance sees it and it commits (or not) with the ticket. */
export const storedFiles = pgTable("stored_files", {
  key: text("key").primaryKey(),
  content: bytea("content").notNull(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});

/** Notifications written in the same transaction as the change they announce; a relay delivers them at least once. */
export const outbox = pgTable(
  "outbox",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    /** email | webhook */
    channel: text("channel").notNull(),
    /** Receivers may see a message twice (at least once); this key lets them drop the repeat. */
    dedupeKey: text("dedupe_key").notNull(),
    payload: jsonb("payload").$type<Record<string, unknown>>().notNull(),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true }).notNull().defaultNow(),
    sentAt: timestamp("sent_at", { withTimezone: true }),
    lastError: text("last_error"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("outbox_dedupe_idx").on(t.dedupeKey), index("outbox_due_idx").on(t.nextAttemptAt).where(sql`${t.sentAt} is null`)],
);

/**
 * Proofs a resident attached to a report form that came back with an error (issue 18): verified and
 * kept under the form's idempotency key and receipt, so sending the corrected form without choosing
 * the files again still brings them. Short-lived: the worker removes expired rows.
 */
export const formProofs = pgTable(
  "form_proofs",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    formKey: text("form_key").notNull(),
    receiptNo: text("receipt_no").notNull(),
    position: smallint("position").notNull(),
    contentType: text("content_type").notNull(),
    extension: text("extension").notNull(),
    content: bytea("content").notNull(),
    sha256: text("sha256").notNull(),
    originalSha256: text("original_sha256").notNull(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
  },
  (t) => [uniqueIndex("form_proofs_form_idx").on(t.formKey, t.position), index("form_proofs_expiry_idx").on(t.expiresAt)],
);
