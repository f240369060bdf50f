CREATE TABLE `documents` (
	`id` text PRIMARY KEY NOT NULL,
	`number` text NOT NULL,
	`kind` text NOT NULL,
	`locale` text NOT NULL,
	`code` text NOT NULL,
	`canon` integer NOT NULL,
	`pages` integer NOT NULL,
	`subject_kind` text,
	`subject_id` integer,
	`twin` text,
	`printed_at` integer NOT NULL,
	`printed_by` integer,
	`row_version` integer DEFAULT 1 NOT NULL,
	`updated_at` integer NOT NULL,
	`updated_by` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `documents_number` ON `documents` (`number`);--> statement-breakpoint
CREATE INDEX `documents_code` ON `documents` (`code`);--> statement-breakpoint
CREATE INDEX `documents_printed` ON `documents` (`printed_at`);--> statement-breakpoint
CREATE INDEX `documents_subject` ON `documents` (`subject_kind`,`subject_id`);