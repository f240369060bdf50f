CREATE TABLE "archive_packages" (
	"id" text PRIMARY KEY NOT NULL,
	"unit_kind" text NOT NULL,
	"unit_id" integer,
	"period_kind" text NOT NULL,
	"period_id" integer NOT NULL,
	"academic_year_id" integer NOT NULL,
	"file_name" text NOT NULL,
	"size_bytes" bigint NOT NULL,
	"digest" text NOT NULL,
	"counts" text NOT NULL,
	"made_at" bigint NOT NULL,
	"made_by" integer,
	"verified_at" bigint,
	"verified_by" integer,
	"row_version" integer DEFAULT 1 NOT NULL,
	"updated_at" bigint NOT NULL,
	"updated_by" integer
);
--> statement-breakpoint
CREATE TABLE "archive_purges" (
	"id" text PRIMARY KEY NOT NULL,
	"academic_year_id" integer NOT NULL,
	"unit_kind" text NOT NULL,
	"unit_id" integer,
	"package_id" text NOT NULL,
	"requested_at" bigint NOT NULL,
	"requested_by" integer,
	"purged_at" bigint,
	"counts" text,
	"row_version" integer DEFAULT 1 NOT NULL,
	"updated_at" bigint NOT NULL,
	"updated_by" integer
);
--> statement-breakpoint
ALTER TABLE "archive_purges" ADD CONSTRAINT "archive_purges_package_id_archive_packages_id_fk" FOREIGN KEY ("package_id") REFERENCES "public"."archive_packages"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "c_archive_packages_digest" ON "archive_packages" USING btree ("digest");--> statement-breakpoint
CREATE INDEX "c_archive_packages_year" ON "archive_packages" USING btree ("academic_year_id","unit_kind","unit_id");--> statement-breakpoint
CREATE INDEX "c_archive_purges_year" ON "archive_purges" USING btree ("academic_year_id");