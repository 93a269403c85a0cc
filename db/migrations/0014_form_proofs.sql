CREATE TABLE "form_proofs" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"form_key" text NOT NULL,
	"receipt_no" text NOT NULL,
	"position" smallint NOT NULL,
	"content_type" text NOT NULL,
	"extension" text NOT NULL,
	"content" "bytea" NOT NULL,
	"sha256" text NOT NULL,
	"original_sha256" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "form_proofs_form_idx" ON "form_proofs" USING btree ("form_key","position");--> statement-breakpoint
CREATE INDEX "form_proofs_expiry_idx" ON "form_proofs" USING btree ("expires_at");