CREATE TABLE `lesson_fill` (
	`lesson_id` integer NOT NULL,
	`date` text NOT NULL,
	`pair` integer NOT NULL,
	`starts_at` integer NOT NULL,
	`day_end` integer NOT NULL,
	`status` text NOT NULL,
	`origin` text NOT NULL,
	`kind` text NOT NULL,
	`topic_set` integer NOT NULL,
	`completed_at` integer,
	`teacher_id` integer NOT NULL,
	`substitute_id` integer,
	`teacher_absent` integer NOT NULL,
	`non_teaching` integer NOT NULL,
	`offering_id` integer NOT NULL,
	`group_id` integer NOT NULL,
	`department_id` integer NOT NULL,
	`faculty_id` integer NOT NULL,
	`members` integer NOT NULL,
	`marked` integer NOT NULL,
	PRIMARY KEY(`date`, `lesson_id`)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `lesson_fill_lesson` ON `lesson_fill` (`lesson_id`);