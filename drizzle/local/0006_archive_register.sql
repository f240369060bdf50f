CREATE TABLE `archive_packages` (
	`id` text PRIMARY KEY NOT NULL,
	`unit_kind` text NOT NULL,
	`unit_id` integer,
	`period_kind` text NOT NULL,
	`period_id` integer NOT NULL,
	`academic_year_id` integer NOT NULL,
	`file_name` text NOT NULL,
	`size_bytes` integer NOT NULL,
	`digest` text NOT NULL,
	`counts` text NOT NULL,
	`made_at` integer NOT NULL,
	`made_by` integer,
	`verified_at` integer,
	`verified_by` integer,
	`row_version` integer DEFAULT 1 NOT NULL,
	`updated_at` integer NOT NULL,
	`updated_by` integer
);
--> statement-breakpoint
CREATE INDEX `archive_packages_digest` ON `archive_packages` (`digest`);--> statement-breakpoint
CREATE INDEX `archive_packages_year` ON `archive_packages` (`academic_year_id`,`unit_kind`,`unit_id`);--> statement-breakpoint
CREATE TABLE `archive_purges` (
	`id` text PRIMARY KEY NOT NULL,
	`academic_year_id` integer NOT NULL,
	`unit_kind` text NOT NULL,
	`unit_id` integer,
	`package_id` text NOT NULL,
	`requested_at` integer NOT NULL,
	`requested_by` integer,
	`purged_at` integer,
	`counts` text,
	`row_version` integer DEFAULT 1 NOT NULL,
	`updated_at` integer NOT NULL,
	`updated_by` integer,
	FOREIGN KEY (`package_id`) REFERENCES `archive_packages`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `archive_purges_year` ON `archive_purges` (`academic_year_id`);