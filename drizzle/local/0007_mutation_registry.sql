ALTER TABLE `outbox` ADD `target` text;--> statement-breakpoint
ALTER TABLE `outbox` ADD `after` text;--> statement-breakpoint
CREATE INDEX `outbox_target` ON `outbox` (`target`);--> statement-breakpoint
ALTER TABLE `sync_conflicts` ADD `code` text;