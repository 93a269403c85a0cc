DROP INDEX "tickets_assignee_idx";--> statement-breakpoint
CREATE INDEX "tickets_unassigned_open_idx" ON "tickets" USING btree ("queue","due_at","id") WHERE "tickets"."status" = 'open' and "tickets"."assignee_id" is null;--> statement-breakpoint
CREATE INDEX "tickets_assignee_due_idx" ON "tickets" USING btree ("assignee_id","status","due_at","id");