CREATE TABLE "lookup_daily" (
	"day" date NOT NULL,
	"outcome" text NOT NULL,
	"count" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "lookup_daily_day_outcome_pk" PRIMARY KEY("day","outcome"),
	CONSTRAINT "lookup_daily_count_check" CHECK ("lookup_daily"."count" >= 0)
);
