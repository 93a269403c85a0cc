ALTER TABLE "matches" ADD COLUMN "difference_fen" bigint;--> statement-breakpoint
ALTER TABLE "match_rules" ADD COLUMN "tolerance_fen" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "match_rules" ADD COLUMN "required_fields" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "matches" ADD CONSTRAINT "matches_difference_check" CHECK ("matches"."difference_fen" is null or ("matches"."difference_fen" <> 0 and "matches"."difference_fen" between -10000 and 10000 and "matches"."gross_fen" is null));--> statement-breakpoint
ALTER TABLE "match_rules" ADD CONSTRAINT "match_rules_tolerance_check" CHECK ("match_rules"."tolerance_fen" between 0 and 10000);--> statement-breakpoint
ALTER TABLE "match_rules" ADD CONSTRAINT "match_rules_required_fields_check" CHECK ("match_rules"."required_fields" <@ array['payer_account', 'remittance']::text[]);--> statement-breakpoint
-- Issue 16: a match made within the amount tolerance credits the receipt with its amount due (the line's
-- amount minus the recorded difference), so status derivation, the posted hook and refund cases read a
-- few fen short or over as paying the amount due. The difference is the last column (CREATE OR REPLACE
-- VIEW keeps the columns before it); a batch share never has one.
CREATE OR REPLACE VIEW receipt_credits AS
  SELECT m.receipt_id, m.settlement_line_id, coalesce(m.gross_fen, l.amount_fen) - coalesce(m.difference_fen, 0) AS amount_fen, m.fee_fen,
         l.value_date, NULL::bigint AS batch_id, NULL::date AS batch_date, m.difference_fen
  FROM matches m JOIN settlement_lines l ON l.id = m.settlement_line_id
  WHERE m.receipt_id IS NOT NULL
  UNION ALL
  SELECT bm.receipt_id, m.settlement_line_id, bm.gross_fen, bm.fee_fen, l.value_date, b.id, b.batch_date, NULL::bigint
  FROM channel_batch_members bm
  JOIN channel_batches b ON b.id = bm.batch_id
  JOIN matches m ON m.batch_id = b.id
  JOIN settlement_lines l ON l.id = m.settlement_line_id;
