CREATE TABLE "channel_bill_exceptions" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"confirmation_id" bigint NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"raised_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "channel_bill_lines" (
	"settlement_line_id" bigint PRIMARY KEY NOT NULL,
	"channel" text NOT NULL,
	"transaction_id" text NOT NULL,
	"linked_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "channel_order_queries" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"receipt_id" bigint NOT NULL,
	"channel" text NOT NULL,
	"outcome" text NOT NULL,
	"queried_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "channel_bill_exceptions" ADD CONSTRAINT "channel_bill_exceptions_confirmation_id_channel_confirmations_id_fk" FOREIGN KEY ("confirmation_id") REFERENCES "public"."channel_confirmations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "channel_bill_lines" ADD CONSTRAINT "channel_bill_lines_settlement_line_id_settlement_lines_id_fk" FOREIGN KEY ("settlement_line_id") REFERENCES "public"."settlement_lines"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "channel_order_queries" ADD CONSTRAINT "channel_order_queries_receipt_id_receipts_id_fk" FOREIGN KEY ("receipt_id") REFERENCES "public"."receipts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "channel_bill_exceptions_confirmation_idx" ON "channel_bill_exceptions" USING btree ("confirmation_id");--> statement-breakpoint
CREATE UNIQUE INDEX "channel_bill_lines_txn_idx" ON "channel_bill_lines" USING btree ("channel","transaction_id");--> statement-breakpoint
CREATE INDEX "channel_order_queries_receipt_idx" ON "channel_order_queries" USING btree ("receipt_id","queried_at");