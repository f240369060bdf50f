CREATE TABLE `lesson_fill` (
	`lesson_id` integer PRIMARY KEY NOT NULL,
	`members` integer NOT NULL,
	`marked` integer NOT NULL
);
