ALTER TYPE "public"."match_method" ADD VALUE 'batch';--> statement-breakpoint
CREATE TABLE "channel_batch_members" (
	"batch_id" bigint NOT NULL,
	"receipt_id" bigint NOT NULL,
	"gross_fen" bigint NOT NULL,
	"fee_fen" bigint NOT NULL,
	"detail_line_id" bigint
);
--> statement-breakpoint
CREATE TABLE "channel_batches" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"channel" text NOT NULL,
	"terminal_id" text,
	"batch_no" text,
	"batch_date" date NOT NULL,
	"source" text NOT NULL,
	"gross_fen" bigint NOT NULL,
	"fee_fen" bigint NOT NULL,
	"net_fen" bigint NOT NULL,
	"member_count" integer NOT NULL,
	"settlement_line_id" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "channel_batches_source_check" CHECK (source in ('detail', 'sum')),
	CONSTRAINT "channel_batches_amounts_check" CHECK ("channel_batches"."gross_fen" > 0 and "channel_batches"."fee_fen" >= 0 and "channel_batches"."net_fen" = "channel_batches"."gross_fen" - "channel_batches"."fee_fen")
);
--> statement-breakpoint
CREATE TABLE "fee_rules" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"channel" text NOT NULL,
	"rate" integer NOT NULL,
	"rate_unit" text DEFAULT 'bp' NOT NULL,
	"rounding" text DEFAULT 'half_up' NOT NULL,
	"min_fen" bigint,
	"max_fen" bigint,
	"applies_to" text DEFAULT 'transaction' NOT NULL,
	"tolerance_fen" bigint DEFAULT 0 NOT NULL,
	"effective_from" date NOT NULL,
	"effective_to" date,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "fee_rules_rate_check" CHECK ("fee_rules"."rate" between 0 and 10000),
	CONSTRAINT "fee_rules_unit_check" CHECK (rate_unit in ('bp', 'permille')),
	CONSTRAINT "fee_rules_rounding_check" CHECK (rounding in ('half_up', 'down', 'up', 'half_even')),
	CONSTRAINT "fee_rules_applies_check" CHECK (applies_to in ('transaction', 'batch')),
	CONSTRAINT "fee_rules_bounds_check" CHECK (("fee_rules"."min_fen" is null or "fee_rules"."min_fen" >= 0) and ("fee_rules"."max_fen" is null or "fee_rules"."max_fen" >= coalesce("fee_rules"."min_fen", 0)) and "fee_rules"."tolerance_fen" >= 0),
	CONSTRAINT "fee_rules_dates_check" CHECK ("fee_rules"."effective_to" is null or "fee_rules"."effective_to" >= "fee_rules"."effective_from")
);
--> statement-breakpoint
CREATE TABLE "settlement_detail_lines" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"file_hash" text NOT NULL,
	"line_key" text NOT NULL,
	"channel" text NOT NULL,
	"terminal_id" text,
	"batch_no" text,
	"batch_date" date NOT NULL,
	"receipt_ref" text NOT NULL,
	"gross_fen" bigint NOT NULL,
	"fee_fen" bigint NOT NULL,
	"net_fen" bigint NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "settlement_detail_lines_amounts_check" CHECK ("settlement_detail_lines"."gross_fen" > 0 and "settlement_detail_lines"."fee_fen" >= 0 and "settlement_detail_lines"."net_fen" = "settlement_detail_lines"."gross_fen" - "settlement_detail_lines"."fee_fen")
);
--> statement-breakpoint
ALTER TABLE "matches" ALTER COLUMN "receipt_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "receipts" ADD COLUMN "terminal_id" text;--> statement-breakpoint
ALTER TABLE "matches" ADD COLUMN "batch_id" bigint;--> statement-breakpoint
ALTER TABLE "matches" ADD COLUMN "gross_fen" bigint;--> statement-breakpoint
ALTER TABLE "matches" ADD COLUMN "fee_fen" bigint;--> statement-breakpoint
ALTER TABLE "channel_batch_members" ADD CONSTRAINT "channel_batch_members_batch_id_channel_batches_id_fk" FOREIGN KEY ("batch_id") REFERENCES "public"."channel_batches"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "fee_rules" ADD CONSTRAINT "fee_rules_channel_channels_code_fk" FOREIGN KEY ("channel") REFERENCES "public"."channels"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "channel_batch_members_receipt_idx" ON "channel_batch_members" USING btree ("receipt_id");--> statement-breakpoint
CREATE INDEX "channel_batch_members_batch_idx" ON "channel_batch_members" USING btree ("batch_id");--> statement-breakpoint
CREATE UNIQUE INDEX "channel_batches_key_idx" ON "channel_batches" USING btree ("channel",coalesce("terminal_id", ''),coalesce("batch_no", ''),"batch_date");--> statement-breakpoint
CREATE UNIQUE INDEX "channel_batches_line_idx" ON "channel_batches" USING btree ("settlement_line_id");--> statement-breakpoint
CREATE UNIQUE INDEX "fee_rules_channel_from_idx" ON "fee_rules" USING btree ("channel","effective_from");--> statement-breakpoint
CREATE UNIQUE INDEX "settlement_detail_lines_key_idx" ON "settlement_detail_lines" USING btree ("line_key");--> statement-breakpoint
CREATE INDEX "settlement_detail_lines_batch_idx" ON "settlement_detail_lines" USING btree ("channel","terminal_id","batch_no","batch_date");--> statement-breakpoint
ALTER TABLE "matches" ADD CONSTRAINT "matches_target_check" CHECK (("matches"."receipt_id" is null) <> ("matches"."batch_id" is null));--> statement-breakpoint
ALTER TABLE "matches" ADD CONSTRAINT "matches_fee_check" CHECK (("matches"."gross_fen" is null) = ("matches"."fee_fen" is null) and ("matches"."fee_fen" is null or "matches"."fee_fen" >= 0));--> statement-breakpoint
-- The fee on one gross amount under a rule: gross × rate / (10,000 for basis points, 1,000 per mille),
-- rounded to the fen, held between min and max and never above the gross. Mirrors feeFor in lib/fees.ts.
CREATE FUNCTION fee_fen(gross bigint, rate integer, rate_unit text, rounding text, min_fen bigint, max_fen bigint) RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  -- one expression (no FROM), so the planner inlines it into set-based matching
  SELECT CASE WHEN gross IS NULL OR gross <= 0 THEN 0::bigint
  ELSE least(gross, greatest(coalesce(min_fen, 0), least(coalesce(max_fen, gross),
    ((gross * rate) / (CASE rate_unit WHEN 'permille' THEN 1000 ELSE 10000 END)) + CASE rounding
      WHEN 'down' THEN 0
      WHEN 'up' THEN (((gross * rate) % (CASE rate_unit WHEN 'permille' THEN 1000 ELSE 10000 END)) > 0)::int
      WHEN 'half_up' THEN (2 * ((gross * rate) % (CASE rate_unit WHEN 'permille' THEN 1000 ELSE 10000 END)) >= (CASE rate_unit WHEN 'permille' THEN 1000 ELSE 10000 END))::int
      ELSE (2 * ((gross * rate) % (CASE rate_unit WHEN 'permille' THEN 1000 ELSE 10000 END)) > (CASE rate_unit WHEN 'permille' THEN 1000 ELSE 10000 END) OR (2 * ((gross * rate) % (CASE rate_unit WHEN 'permille' THEN 1000 ELSE 10000 END)) = (CASE rate_unit WHEN 'permille' THEN 1000 ELSE 10000 END) AND ((gross * rate) / (CASE rate_unit WHEN 'permille' THEN 1000 ELSE 10000 END)) % 2 = 1))::int
    END)))::bigint END
$$;
--> statement-breakpoint
CREATE TRIGGER channel_batch_members_refs_insert AFTER INSERT ON channel_batch_members REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION ref_check_new_rows('receipt_id', 'receipts', 'id');
--> statement-breakpoint
CREATE TRIGGER matches_batch_refs_insert AFTER INSERT ON matches REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION ref_check_new_rows('batch_id', 'channel_batches', 'id');
--> statement-breakpoint
CREATE TRIGGER channel_batches_refs_insert AFTER INSERT ON channel_batches REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION ref_check_new_rows('settlement_line_id', 'settlement_lines', 'id', 'channel', 'channels', 'code');
--> statement-breakpoint
CREATE TRIGGER channel_batches_refs_update AFTER UPDATE ON channel_batches REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION ref_check_new_rows('settlement_line_id', 'settlement_lines', 'id', 'channel', 'channels', 'code');
--> statement-breakpoint
-- What has been credited to each receipt: its own matched lines (at their gross when the channel kept a
-- fee) and its share of a batch credit. Status derivation, the posted hook and the ticket jobs read
-- this, so a batch member posts exactly as a receipt with its own line does.
CREATE VIEW receipt_credits AS
  SELECT m.receipt_id, m.settlement_line_id, coalesce(m.gross_fen, l.amount_fen) AS amount_fen, m.fee_fen,
         l.value_date, NULL::bigint AS batch_id, NULL::date AS batch_date
  FROM matches m JOIN settlement_lines l ON l.id = m.settlement_line_id
  WHERE m.receipt_id IS NOT NULL
  UNION ALL
  SELECT bm.receipt_id, m.settlement_line_id, bm.gross_fen, bm.fee_fen, l.value_date, b.id, b.batch_date
  FROM channel_batch_members bm
  JOIN channel_batches b ON b.id = bm.batch_id
  JOIN matches m ON m.batch_id = b.id
  JOIN settlement_lines l ON l.id = m.settlement_line_id;
