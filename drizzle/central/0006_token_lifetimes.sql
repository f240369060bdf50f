ALTER TABLE "device_tokens" ADD COLUMN "kind" text DEFAULT 'access' NOT NULL;--> statement-breakpoint
ALTER TABLE "device_tokens" ADD COLUMN "expires_at" bigint;