CREATE TABLE "paper_journals" (
	"id" text PRIMARY KEY NOT NULL,
	"offering_id" integer NOT NULL,
	"number" text NOT NULL,
	"code" text NOT NULL,
	"locale" text NOT NULL,
	"pages" integer NOT NULL,
	"printed_at" bigint NOT NULL,
	"printed_by" integer,
	"signed_on" text,
	"archived_on" text,
	"transfer_act" text,
	"row_version" integer DEFAULT 1 NOT NULL,
	"updated_at" bigint NOT NULL,
	"updated_by" integer
);
--> statement-breakpoint
ALTER TABLE "paper_journals" ADD CONSTRAINT "paper_journals_offering_id_offerings_id_fk" FOREIGN KEY ("offering_id") REFERENCES "public"."offerings"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "c_paper_journals_offering" ON "paper_journals" USING btree ("offering_id","printed_at");--> statement-breakpoint
CREATE INDEX "c_paper_journals_code" ON "paper_journals" USING btree ("code");