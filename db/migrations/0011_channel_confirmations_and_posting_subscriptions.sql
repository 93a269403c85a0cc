CREATE TABLE "channel_confirmations" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"channel" text NOT NULL,
	"transaction_id" text NOT NULL,
	"out_trade_no" text NOT NULL,
	"receipt_no" text,
	"amount_fen" bigint NOT NULL,
	"paid_at" timestamp with time zone NOT NULL,
	"terminal_id" text,
	"batch_id" text,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "channel_confirmations_channel_check" CHECK (channel in ('wechat', 'alipay', 'acquirer')),
	CONSTRAINT "channel_confirmations_amount_check" CHECK ("channel_confirmations"."amount_fen" > 0)
);
--> statement-breakpoint
CREATE TABLE "posting_subscriptions" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"receipt_id" bigint NOT NULL,
	"contact" text NOT NULL,
	"locale" text DEFAULT 'zh-CN' NOT NULL,
	"overdue_notified_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "channels" ADD COLUMN "order_no_pattern" text;--> statement-breakpoint
ALTER TABLE "posting_subscriptions" ADD CONSTRAINT "posting_subscriptions_receipt_id_receipts_id_fk" FOREIGN KEY ("receipt_id") REFERENCES "public"."receipts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "channel_confirmations_txn_idx" ON "channel_confirmations" USING btree ("channel","transaction_id");--> statement-breakpoint
CREATE INDEX "channel_confirmations_receipt_no_idx" ON "channel_confirmations" USING btree ("receipt_no");--> statement-breakpoint
CREATE INDEX "channel_confirmations_received_idx" ON "channel_confirmations" USING btree ("received_at","id");--> statement-breakpoint
CREATE UNIQUE INDEX "posting_subscriptions_receipt_contact_idx" ON "posting_subscriptions" USING btree ("receipt_id","contact");--> statement-breakpoint
-- Channel confirmations are evidence: append-only, like the audit log.
CREATE FUNCTION channel_confirmations_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'channel_confirmations is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER channel_confirmations_append_only
  BEFORE UPDATE OR DELETE ON channel_confirmations
  FOR EACH ROW EXECUTE FUNCTION channel_confirmations_refuse_change();
--> statement-breakpoint
CREATE TRIGGER channel_confirmations_no_truncate
  BEFORE TRUNCATE ON channel_confirmations
  FOR EACH STATEMENT EXECUTE FUNCTION channel_confirmations_refuse_change();
