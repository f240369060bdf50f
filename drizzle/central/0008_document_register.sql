CREATE TABLE "documents" (
	"id" text PRIMARY KEY NOT NULL,
	"number" text NOT NULL,
	"kind" text NOT NULL,
	"locale" text NOT NULL,
	"code" text NOT NULL,
	"canon" integer NOT NULL,
	"pages" integer NOT NULL,
	"subject_kind" text,
	"subject_id" integer,
	"twin" text,
	"printed_at" bigint NOT NULL,
	"printed_by" integer,
	"row_version" integer DEFAULT 1 NOT NULL,
	"updated_at" bigint NOT NULL,
	"updated_by" integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX "c_documents_number" ON "documents" USING btree ("number");--> statement-breakpoint
CREATE INDEX "c_documents_code" ON "documents" USING btree ("code");--> statement-breakpoint
CREATE INDEX "c_documents_printed" ON "documents" USING btree ("printed_at");--> statement-breakpoint
CREATE INDEX "c_documents_subject" ON "documents" USING btree ("subject_kind","subject_id");