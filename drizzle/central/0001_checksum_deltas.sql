CREATE TABLE "checksum_bases" (
	"scope" text PRIMARY KEY NOT NULL,
	"gen" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "checksum_deltas" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"scope" text NOT NULL,
	"tbl" text NOT NULL,
	"n" bigint NOT NULL,
	"lo" bigint NOT NULL,
	"hi" bigint NOT NULL
);
--> statement-breakpoint
ALTER TABLE "sync_counter" ADD COLUMN "scopes_gen" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX "checksum_deltas_scope" ON "checksum_deltas" USING btree ("scope","tbl");