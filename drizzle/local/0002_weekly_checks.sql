CREATE TABLE `weekly_checks` (
	`id` text PRIMARY KEY NOT NULL,
	`unit_kind` text NOT NULL,
	`unit_id` integer,
	`period_from` text NOT NULL,
	`period_to` text NOT NULL,
	`week` text,
	`checked_by` integer NOT NULL,
	`checked_at` integer NOT NULL,
	`comment` text NOT NULL,
	`snapshot` text NOT NULL,
	`row_version` integer DEFAULT 1 NOT NULL,
	`updated_at` integer NOT NULL,
	`updated_by` integer
);
--> statement-breakpoint
CREATE INDEX `weekly_checks_unit` ON `weekly_checks` (`unit_kind`,`unit_id`,`period_from`);