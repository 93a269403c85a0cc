CREATE TYPE "public"."billing_status" AS ENUM('paid', 'sent_to_bank', 'unpaid', 'voided', 'refunded', 'refund_pending');--> statement-breakpoint
CREATE TYPE "public"."match_method" AS ENUM('reference', 'remittance', 'amount_date', 'manual');--> statement-breakpoint
CREATE TABLE "audit_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"actor" text NOT NULL,
	"action" text NOT NULL,
	"object_type" text NOT NULL,
	"object_id" text,
	"outcome" text NOT NULL,
	"detail" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "calendar_overrides" (
	"day" date PRIMARY KEY NOT NULL,
	"is_business_day" boolean NOT NULL,
	"note" text DEFAULT '' NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "calendar_years" (
	"year" integer PRIMARY KEY NOT NULL,
	"published_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "channels" (
	"code" text PRIMARY KEY NOT NULL,
	"name_zh" text NOT NULL,
	"name_en" text NOT NULL,
	"lag_days" integer NOT NULL,
	"cutoff" text NOT NULL,
	"lock_window_minutes" integer,
	"match_window_days" integer DEFAULT 3 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "channels_lag_check" CHECK ("channels"."lag_days" between 0 and 30),
	CONSTRAINT "channels_cutoff_check" CHECK ("channels"."cutoff" ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'),
	CONSTRAINT "channels_lock_check" CHECK ("channels"."lock_window_minutes" is null or "channels"."lock_window_minutes" between 1 and 1440)
);
--> statement-breakpoint
CREATE TABLE "fee_schedules" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"service" text NOT NULL,
	"amount_fen" bigint NOT NULL,
	"effective_from" date NOT NULL,
	"effective_to" date,
	CONSTRAINT "fee_schedules_amount_check" CHECK ("fee_schedules"."amount_fen" >= 0)
);
--> statement-breakpoint
CREATE TABLE "incidents" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"channel" text,
	"bank" text,
	"value_from" date NOT NULL,
	"value_to" date NOT NULL,
	"message_zh" text NOT NULL,
	"message_en" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"ended_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "receipts" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"receipt_no" text NOT NULL,
	"service" text NOT NULL,
	"payer_name" text NOT NULL,
	"payer_phone" text,
	"amount_due_fen" bigint NOT NULL,
	"amount_paid_fen" bigint,
	"channel" text NOT NULL,
	"paid_at" timestamp with time zone,
	"bank_ref" text,
	"billing_status" "billing_status" NOT NULL,
	"refund_amount_fen" bigint,
	"refunded_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "receipts_amounts_check" CHECK ("receipts"."amount_due_fen" >= 0 and ("receipts"."amount_paid_fen" is null or "receipts"."amount_paid_fen" >= 0))
);
--> statement-breakpoint
CREATE TABLE "services" (
	"code" text PRIMARY KEY NOT NULL,
	"name_zh" text NOT NULL,
	"name_en" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "matches" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"settlement_line_id" bigint NOT NULL,
	"receipt_id" bigint NOT NULL,
	"method" "match_method" NOT NULL,
	"matched_by" text,
	"matched_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "settlement_batches" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"file_hash" text NOT NULL,
	"file_name" text NOT NULL,
	"format" text NOT NULL,
	"profile" text,
	"lines_read" integer DEFAULT 0 NOT NULL,
	"lines_inserted" integer DEFAULT 0 NOT NULL,
	"imported_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "settlement_batches_file_hash_unique" UNIQUE("file_hash")
);
--> statement-breakpoint
CREATE TABLE "settlement_lines" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"batch_id" bigint NOT NULL,
	"line_key" text NOT NULL,
	"bank_ref" text,
	"amount_fen" bigint NOT NULL,
	"value_date" date NOT NULL,
	"channel" text,
	"payer_account" text,
	"remittance" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "settlement_lines_amount_check" CHECK ("settlement_lines"."amount_fen" > 0)
);
--> statement-breakpoint
ALTER TABLE "fee_schedules" ADD CONSTRAINT "fee_schedules_service_services_code_fk" FOREIGN KEY ("service") REFERENCES "public"."services"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "incidents" ADD CONSTRAINT "incidents_channel_channels_code_fk" FOREIGN KEY ("channel") REFERENCES "public"."channels"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "receipts" ADD CONSTRAINT "receipts_service_services_code_fk" FOREIGN KEY ("service") REFERENCES "public"."services"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "receipts" ADD CONSTRAINT "receipts_channel_channels_code_fk" FOREIGN KEY ("channel") REFERENCES "public"."channels"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "matches" ADD CONSTRAINT "matches_settlement_line_id_settlement_lines_id_fk" FOREIGN KEY ("settlement_line_id") REFERENCES "public"."settlement_lines"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "matches" ADD CONSTRAINT "matches_receipt_id_receipts_id_fk" FOREIGN KEY ("receipt_id") REFERENCES "public"."receipts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "settlement_lines" ADD CONSTRAINT "settlement_lines_batch_id_settlement_batches_id_fk" FOREIGN KEY ("batch_id") REFERENCES "public"."settlement_batches"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "settlement_lines" ADD CONSTRAINT "settlement_lines_channel_channels_code_fk" FOREIGN KEY ("channel") REFERENCES "public"."channels"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "audit_events_at_idx" ON "audit_events" USING btree ("at");--> statement-breakpoint
CREATE INDEX "audit_events_object_idx" ON "audit_events" USING btree ("object_type","object_id");--> statement-breakpoint
CREATE UNIQUE INDEX "fee_schedules_service_from_idx" ON "fee_schedules" USING btree ("service","effective_from");--> statement-breakpoint
CREATE UNIQUE INDEX "receipts_receipt_no_idx" ON "receipts" USING btree ("receipt_no");--> statement-breakpoint
CREATE INDEX "receipts_bank_ref_idx" ON "receipts" USING btree ("bank_ref");--> statement-breakpoint
CREATE UNIQUE INDEX "matches_line_idx" ON "matches" USING btree ("settlement_line_id");--> statement-breakpoint
CREATE INDEX "matches_receipt_idx" ON "matches" USING btree ("receipt_id");--> statement-breakpoint
CREATE UNIQUE INDEX "settlement_lines_line_key_idx" ON "settlement_lines" USING btree ("line_key");--> statement-breakpoint
CREATE INDEX "settlement_lines_bank_ref_idx" ON "settlement_lines" USING btree ("bank_ref");--> statement-breakpoint
CREATE INDEX "settlement_lines_amount_date_idx" ON "settlement_lines" USING btree ("amount_fen","value_date");