CREATE TABLE "proof_checks" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"attachment_id" bigint NOT NULL,
	"ticket_id" bigint NOT NULL,
	"claimed_at" timestamp with time zone NOT NULL,
	"attempts" integer DEFAULT 1 NOT NULL,
	"checked_at" timestamp with time zone,
	"result" text,
	"source" text,
	"fields" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"transaction_id" text,
	"dhash" text,
	"detail" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"proposed_line_id" bigint,
	CONSTRAINT "proof_checks_result_check" CHECK (result is null or result in ('reference_match', 'amount_match', 'not_found_yet', 'reused', 'unreadable'))
);
--> statement-breakpoint
ALTER TABLE "proof_checks" ADD CONSTRAINT "proof_checks_attachment_id_ticket_attachments_id_fk" FOREIGN KEY ("attachment_id") REFERENCES "public"."ticket_attachments"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "proof_checks" ADD CONSTRAINT "proof_checks_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "proof_checks_attachment_idx" ON "proof_checks" USING btree ("attachment_id");--> statement-breakpoint
CREATE INDEX "proof_checks_ticket_idx" ON "proof_checks" USING btree ("ticket_id");--> statement-breakpoint
CREATE INDEX "proof_checks_transaction_idx" ON "proof_checks" USING btree ("transaction_id") WHERE "proof_checks"."transaction_id" is not null;--> statement-breakpoint
CREATE INDEX "proof_checks_pending_idx" ON "proof_checks" USING btree ("claimed_at") WHERE "proof_checks"."checked_at" is null;