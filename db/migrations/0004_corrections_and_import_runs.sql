CREATE TYPE "public"."correction_kind" AS ENUM('refund', 'reentry');--> statement-breakpoint
CREATE TYPE "public"."correction_status" AS ENUM('pending', 'approved', 'rejected');--> statement-breakpoint
CREATE TABLE "corrections" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"kind" "correction_kind" NOT NULL,
	"status" "correction_status" DEFAULT 'pending' NOT NULL,
	"ticket_id" bigint NOT NULL,
	"receipt_id" bigint NOT NULL,
	"amount_fen" bigint NOT NULL,
	"reason" text NOT NULL,
	"payee_account" text,
	"channel" text,
	"paid_at" timestamp with time zone,
	"bank_ref" text,
	"prepared_by" bigint NOT NULL,
	"prepared_at" timestamp with time zone NOT NULL,
	"decided_by" bigint,
	"decided_at" timestamp with time zone,
	"decision_note" text,
	"paid_out_by" bigint,
	"paid_out_at" timestamp with time zone,
	"version" integer DEFAULT 1 NOT NULL,
	CONSTRAINT "corrections_amount_check" CHECK ("corrections"."amount_fen" > 0),
	CONSTRAINT "corrections_four_eyes_check" CHECK ("corrections"."decided_by" is null or "corrections"."decided_by" <> "corrections"."prepared_by")
);
--> statement-breakpoint
CREATE TABLE "import_runs" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"staff_id" bigint NOT NULL,
	"kind" text NOT NULL,
	"file_name" text NOT NULL,
	"file_hash" text NOT NULL,
	"size_bytes" integer NOT NULL,
	"format" text,
	"profile" text,
	"status" text NOT NULL,
	"summary" jsonb,
	"failure" text,
	"started_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "corrections" ADD CONSTRAINT "corrections_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "corrections" ADD CONSTRAINT "corrections_receipt_id_receipts_id_fk" FOREIGN KEY ("receipt_id") REFERENCES "public"."receipts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "corrections" ADD CONSTRAINT "corrections_channel_channels_code_fk" FOREIGN KEY ("channel") REFERENCES "public"."channels"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "corrections" ADD CONSTRAINT "corrections_prepared_by_staff_id_fk" FOREIGN KEY ("prepared_by") REFERENCES "public"."staff"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "corrections" ADD CONSTRAINT "corrections_decided_by_staff_id_fk" FOREIGN KEY ("decided_by") REFERENCES "public"."staff"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "corrections" ADD CONSTRAINT "corrections_paid_out_by_staff_id_fk" FOREIGN KEY ("paid_out_by") REFERENCES "public"."staff"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "import_runs" ADD CONSTRAINT "import_runs_staff_id_staff_id_fk" FOREIGN KEY ("staff_id") REFERENCES "public"."staff"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "corrections_one_pending_idx" ON "corrections" USING btree ("receipt_id","kind") WHERE "corrections"."status" = 'pending';--> statement-breakpoint
CREATE INDEX "corrections_status_idx" ON "corrections" USING btree ("status","prepared_at","id");--> statement-breakpoint
CREATE INDEX "corrections_ticket_idx" ON "corrections" USING btree ("ticket_id");--> statement-breakpoint
CREATE INDEX "import_runs_started_idx" ON "import_runs" USING btree ("started_at","id");