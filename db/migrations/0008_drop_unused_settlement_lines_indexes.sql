DROP INDEX "settlement_lines_bank_ref_idx";--> statement-breakpoint
DROP INDEX "settlement_lines_amount_date_idx";