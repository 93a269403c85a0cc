CREATE TABLE "match_reversals" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"reversal_line_id" bigint NOT NULL,
	"original_line_id" bigint NOT NULL,
	"receipt_id" bigint,
	"method" text,
	"matched_by" text,
	"matched_at" timestamp with time zone,
	"reversed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "match_rules" (
	"method" text PRIMARY KEY NOT NULL,
	"position" integer NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"date_window_days" integer,
	"require_channel" boolean DEFAULT true NOT NULL,
	"updated_by" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "match_rules_method_check" CHECK ("match_rules"."method" in ('reference', 'remittance', 'amount_date')),
	CONSTRAINT "match_rules_window_check" CHECK ("match_rules"."date_window_days" is null or "match_rules"."date_window_days" between 0 and 31)
);
--> statement-breakpoint
ALTER TABLE "settlement_lines" ADD COLUMN "reversal" boolean DEFAULT false NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "match_reversals_reversal_idx" ON "match_reversals" USING btree ("reversal_line_id");--> statement-breakpoint
CREATE UNIQUE INDEX "match_reversals_original_idx" ON "match_reversals" USING btree ("original_line_id");--> statement-breakpoint
CREATE INDEX "settlement_lines_reversal_idx" ON "settlement_lines" USING btree ("id") WHERE "settlement_lines"."reversal";--> statement-breakpoint
-- The defaults reproduce SPEC §2.2's fixed matching exactly (lib/match-rules.ts DEFAULT_MATCH_RULES):
-- reference, remittance, amount and date within each channel's window and on the same channel.
INSERT INTO "match_rules" ("method", "position", "enabled", "date_window_days", "require_channel") VALUES
  ('reference', 1, true, NULL, true),
  ('remittance', 2, true, NULL, true),
  ('amount_date', 3, true, NULL, true);
