CREATE TABLE `paper_journals` (
	`id` text PRIMARY KEY NOT NULL,
	`offering_id` integer NOT NULL,
	`number` text NOT NULL,
	`code` text NOT NULL,
	`locale` text NOT NULL,
	`pages` integer NOT NULL,
	`printed_at` integer NOT NULL,
	`printed_by` integer,
	`signed_on` text,
	`archived_on` text,
	`transfer_act` text,
	`row_version` integer DEFAULT 1 NOT NULL,
	`updated_at` integer NOT NULL,
	`updated_by` integer,
	FOREIGN KEY (`offering_id`) REFERENCES `offerings`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `paper_journals_offering` ON `paper_journals` (`offering_id`,`printed_at`);--> statement-breakpoint
CREATE INDEX `paper_journals_code` ON `paper_journals` (`code`);