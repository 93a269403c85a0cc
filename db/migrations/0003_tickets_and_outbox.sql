CREATE TYPE "public"."ticket_category" AS ENUM('not_posted', 'duplicate_charge', 'wrong_amount', 'locked', 'info_change', 'invoice_missing', 'other');--> statement-breakpoint
CREATE TYPE "public"."ticket_queue" AS ENUM('bank_liaison', 'finance', 'refunds', 'data_entry', 'records', 'invoices');--> statement-breakpoint
CREATE TYPE "public"."ticket_status" AS ENUM('open', 'waiting_on_payer', 'waiting_on_settlement', 'resolved', 'closed');--> statement-breakpoint
CREATE TABLE "outbox" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"channel" text NOT NULL,
	"dedupe_key" text NOT NULL,
	"payload" jsonb NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"sent_at" timestamp with time zone,
	"last_error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "stored_files" (
	"key" text PRIMARY KEY NOT NULL,
	"content" "bytea" NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ticket_attachments" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"ticket_id" bigint NOT NULL,
	"event_id" bigint,
	"storage_key" text NOT NULL,
	"content_type" text NOT NULL,
	"size_bytes" integer NOT NULL,
	"sha256" text NOT NULL,
	"original_sha256" text NOT NULL,
	"also_on_receipt_no" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ticket_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"ticket_id" bigint NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"actor" text NOT NULL,
	"staff_id" bigint,
	"kind" text NOT NULL,
	"public" boolean NOT NULL,
	"body" text,
	"data" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tickets" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"ref" text NOT NULL,
	"receipt_no" text,
	"receipt_id" bigint,
	"category" "ticket_category" NOT NULL,
	"status" "ticket_status" NOT NULL,
	"queue" "ticket_queue" NOT NULL,
	"priority" smallint DEFAULT 2 NOT NULL,
	"payment_status" text NOT NULL,
	"expected_date" date,
	"due_at" timestamp with time zone,
	"paused_at" timestamp with time zone,
	"assignee_id" bigint,
	"incident_id" bigint,
	"merged_into_id" bigint,
	"description" text NOT NULL,
	"payer_contact" text NOT NULL,
	"locale" text DEFAULT 'zh-CN' NOT NULL,
	"tracking_token_hash" text NOT NULL,
	"idempotency_key" text,
	"rating" smallint,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"resolved_at" timestamp with time zone,
	CONSTRAINT "tickets_rating_check" CHECK ("tickets"."rating" is null or "tickets"."rating" between 1 and 5)
);
--> statement-breakpoint
ALTER TABLE "ticket_attachments" ADD CONSTRAINT "ticket_attachments_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ticket_attachments" ADD CONSTRAINT "ticket_attachments_event_id_ticket_events_id_fk" FOREIGN KEY ("event_id") REFERENCES "public"."ticket_events"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ticket_events" ADD CONSTRAINT "ticket_events_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ticket_events" ADD CONSTRAINT "ticket_events_staff_id_staff_id_fk" FOREIGN KEY ("staff_id") REFERENCES "public"."staff"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tickets" ADD CONSTRAINT "tickets_receipt_id_receipts_id_fk" FOREIGN KEY ("receipt_id") REFERENCES "public"."receipts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tickets" ADD CONSTRAINT "tickets_assignee_id_staff_id_fk" FOREIGN KEY ("assignee_id") REFERENCES "public"."staff"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tickets" ADD CONSTRAINT "tickets_incident_id_incidents_id_fk" FOREIGN KEY ("incident_id") REFERENCES "public"."incidents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "outbox_dedupe_idx" ON "outbox" USING btree ("dedupe_key");--> statement-breakpoint
CREATE INDEX "outbox_due_idx" ON "outbox" USING btree ("next_attempt_at") WHERE "outbox"."sent_at" is null;--> statement-breakpoint
CREATE INDEX "ticket_attachments_ticket_idx" ON "ticket_attachments" USING btree ("ticket_id");--> statement-breakpoint
CREATE INDEX "ticket_attachments_original_idx" ON "ticket_attachments" USING btree ("original_sha256");--> statement-breakpoint
CREATE INDEX "ticket_events_ticket_idx" ON "ticket_events" USING btree ("ticket_id","at");--> statement-breakpoint
CREATE UNIQUE INDEX "tickets_ref_idx" ON "tickets" USING btree ("ref");--> statement-breakpoint
CREATE UNIQUE INDEX "tickets_idempotency_idx" ON "tickets" USING btree ("idempotency_key");--> statement-breakpoint
CREATE UNIQUE INDEX "tickets_one_open_idx" ON "tickets" USING btree ("receipt_no","category") WHERE "tickets"."status" not in ('resolved', 'closed') and "tickets"."merged_into_id" is null;--> statement-breakpoint
CREATE INDEX "tickets_queue_due_idx" ON "tickets" USING btree ("queue","status","due_at","id");--> statement-breakpoint
CREATE INDEX "tickets_assignee_idx" ON "tickets" USING btree ("assignee_id","status");