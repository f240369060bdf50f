CREATE TABLE "device_contacts" (
	"device_id" text NOT NULL,
	"user_id" integer NOT NULL,
	"contact_at" bigint NOT NULL,
	"cycle_id" text,
	"cycle_from" bigint,
	"cycle_started_at" bigint,
	CONSTRAINT "device_contacts_device_id_user_id_pk" PRIMARY KEY("device_id","user_id")
);
--> statement-breakpoint
ALTER TABLE "central_audit" ADD COLUMN "claimed_at" bigint;--> statement-breakpoint
ALTER TABLE "central_audit" ADD COLUMN "window_from" bigint;--> statement-breakpoint
ALTER TABLE "central_audit" ADD COLUMN "flag" text;--> statement-breakpoint
ALTER TABLE "devices" ADD COLUMN "secret_hash" text;--> statement-breakpoint
ALTER TABLE "mutations" ADD COLUMN "claimed_at" bigint;--> statement-breakpoint
ALTER TABLE "mutations" ADD COLUMN "window_from" bigint;--> statement-breakpoint
ALTER TABLE "mutations" ADD COLUMN "flag" text;--> statement-breakpoint
ALTER TABLE "mutations" ADD COLUMN "after_mutation" text;--> statement-breakpoint
ALTER TABLE "mutations" ADD COLUMN "effective_base" integer;--> statement-breakpoint
ALTER TABLE "mutations" ADD COLUMN "result_version" integer;--> statement-breakpoint
ALTER TABLE "mutations" ADD COLUMN "resolved_at" bigint;--> statement-breakpoint
ALTER TABLE "mutations" ADD COLUMN "resolution" text;--> statement-breakpoint
ALTER TABLE "mutations" ADD COLUMN "resolved_by" integer;--> statement-breakpoint
CREATE INDEX "central_audit_flag" ON "central_audit" USING btree ("flag");