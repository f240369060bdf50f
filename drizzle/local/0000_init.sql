CREATE TABLE `academic_years` (
	`id` integer PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`starts_on` text NOT NULL,
	`ends_on` text NOT NULL,
	`row_version` integer DEFAULT 1 NOT NULL,
	`updated_at` integer NOT NULL,
	`updated_by` integer
);
--> statement-breakpoint
CREATE TABLE `bell_pairs` (
	`id` integer PRIMARY KEY NOT NULL,
	`number` integer NOT NULL,
	`starts_at` text NOT NULL,
	`ends_at` text NOT NULL,
	`row_version` integer DEFAULT 1 NOT NULL,
	`updated_at` integer NOT NULL,
	`updated_by` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `bell_pairs_number` ON `bell_pairs` (`number`);--> statement-breakpoint
CREATE INDEX `bell_pairs_start` ON `bell_pairs` (`starts_at`);--> statement-breakpoint
CREATE TABLE `calendar_days` (
	`id` integer PRIMARY KEY NOT NULL,
	`date` text NOT NULL,
	`kind` text NOT NULL,
	`name_ru` text NOT NULL,
	`name_ky` text NOT NULL,
	`row_version` integer DEFAULT 1 NOT NULL,
	`updated_at` integer NOT NULL,
	`updated_by` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `calendar_days_date` ON `calendar_days` (`date`);--> statement-breakpoint
CREATE TABLE `semesters` (
	`id` integer PRIMARY KEY NOT NULL,
	`academic_year_id` integer NOT NULL,
	`number` integer NOT NULL,
	`starts_on` text NOT NULL,
	`ends_on` text NOT NULL,
	`row_version` integer DEFAULT 1 NOT NULL,
	`updated_at` integer NOT NULL,
	`updated_by` integer,
	FOREIGN KEY (`academic_year_id`) REFERENCES `academic_years`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `semesters_year_number` ON `semesters` (`academic_year_id`,`number`);--> statement-breakpoint
CREATE TABLE `departments` (
	`id` integer PRIMARY KEY NOT NULL,
	`faculty_id` integer NOT NULL,
	`code` text NOT NULL,
	`name_ru` text NOT NULL,
	`name_ky` text NOT NULL,
	`head_teacher_id` integer,
	`row_version` integer DEFAULT 1 NOT NULL,
	`updated_at` integer NOT NULL,
	`updated_by` integer,
	FOREIGN KEY (`faculty_id`) REFERENCES `faculties`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`head_teacher_id`) REFERENCES `teachers`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `departments_faculty` ON `departments` (`faculty_id`);--> statement-breakpoint
CREATE TABLE `disciplines` (
	`id` integer PRIMARY KEY NOT NULL,
	`department_id` integer NOT NULL,
	`code` text NOT NULL,
	`name_ru` text NOT NULL,
	`name_ky` text NOT NULL,
	`row_version` integer DEFAULT 1 NOT NULL,
	`updated_at` integer NOT NULL,
	`updated_by` integer,
	FOREIGN KEY (`department_id`) REFERENCES `departments`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `disciplines_department` ON `disciplines` (`department_id`);--> statement-breakpoint
CREATE TABLE `faculties` (
	`id` integer PRIMARY KEY NOT NULL,
	`code` text NOT NULL,
	`kind` text NOT NULL,
	`name_ru` text NOT NULL,
	`name_ky` text NOT NULL,
	`row_version` integer DEFAULT 1 NOT NULL,
	`updated_at` integer NOT NULL,
	`updated_by` integer
);
--> statement-breakpoint
CREATE TABLE `rooms` (
	`id` integer PRIMARY KEY NOT NULL,
	`code` text NOT NULL,
	`building` text NOT NULL,
	`capacity` integer NOT NULL,
	`qr_code` text NOT NULL,
	`row_version` integer DEFAULT 1 NOT NULL,
	`updated_at` integer NOT NULL,
	`updated_by` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `rooms_code` ON `rooms` (`code`);--> statement-breakpoint
CREATE TABLE `teacher_departments` (
	`id` integer PRIMARY KEY NOT NULL,
	`teacher_id` integer NOT NULL,
	`department_id` integer NOT NULL,
	`rate` real NOT NULL,
	`is_primary` integer NOT NULL,
	`row_version` integer DEFAULT 1 NOT NULL,
	`updated_at` integer NOT NULL,
	`updated_by` integer,
	FOREIGN KEY (`teacher_id`) REFERENCES `teachers`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`department_id`) REFERENCES `departments`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `teacher_departments_pair` ON `teacher_departments` (`teacher_id`,`department_id`);--> statement-breakpoint
CREATE INDEX `teacher_departments_dept` ON `teacher_departments` (`department_id`);--> statement-breakpoint
CREATE TABLE `teachers` (
	`id` integer PRIMARY KEY NOT NULL,
	`last_name` text NOT NULL,
	`first_name` text NOT NULL,
	`patronymic` text,
	`position` text NOT NULL,
	`row_version` integer DEFAULT 1 NOT NULL,
	`updated_at` integer NOT NULL,
	`updated_by` integer
);
--> statement-breakpoint
CREATE INDEX `teachers_name` ON `teachers` (`last_name`,`first_name`);--> statement-breakpoint
CREATE TABLE `enrolments` (
	`id` integer PRIMARY KEY NOT NULL,
	`student_id` integer NOT NULL,
	`group_id` integer NOT NULL,
	`starts_on` text NOT NULL,
	`ends_on` text,
	`start_reason` text NOT NULL,
	`end_reason` text,
	`row_version` integer DEFAULT 1 NOT NULL,
	`updated_at` integer NOT NULL,
	`updated_by` integer,
	FOREIGN KEY (`student_id`) REFERENCES `students`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`group_id`) REFERENCES `groups`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `enrolments_group` ON `enrolments` (`group_id`,`starts_on`);--> statement-breakpoint
CREATE INDEX `enrolments_student` ON `enrolments` (`student_id`);--> statement-breakpoint
CREATE TABLE `groups` (
	`id` integer PRIMARY KEY NOT NULL,
	`faculty_id` integer NOT NULL,
	`department_id` integer NOT NULL,
	`code` text NOT NULL,
	`admission_year` integer NOT NULL,
	`course` integer NOT NULL,
	`language` text NOT NULL,
	`curator_teacher_id` integer,
	`row_version` integer DEFAULT 1 NOT NULL,
	`updated_at` integer NOT NULL,
	`updated_by` integer,
	FOREIGN KEY (`faculty_id`) REFERENCES `faculties`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`department_id`) REFERENCES `departments`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`curator_teacher_id`) REFERENCES `teachers`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `groups_code` ON `groups` (`code`);--> statement-breakpoint
CREATE INDEX `groups_faculty` ON `groups` (`faculty_id`);--> statement-breakpoint
CREATE TABLE `parent_contacts` (
	`id` integer PRIMARY KEY NOT NULL,
	`student_id` integer NOT NULL,
	`full_name` text NOT NULL,
	`relation` text NOT NULL,
	`phone` text NOT NULL,
	`row_version` integer DEFAULT 1 NOT NULL,
	`updated_at` integer NOT NULL,
	`updated_by` integer,
	FOREIGN KEY (`student_id`) REFERENCES `students`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `parent_contacts_student` ON `parent_contacts` (`student_id`);--> statement-breakpoint
CREATE TABLE `students` (
	`id` integer PRIMARY KEY NOT NULL,
	`record_book_no` text NOT NULL,
	`last_name` text NOT NULL,
	`first_name` text NOT NULL,
	`patronymic` text,
	`gender` text NOT NULL,
	`birth_date` text NOT NULL,
	`row_version` integer DEFAULT 1 NOT NULL,
	`updated_at` integer NOT NULL,
	`updated_by` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `students_record_book` ON `students` (`record_book_no`);--> statement-breakpoint
CREATE INDEX `students_name` ON `students` (`last_name`);--> statement-breakpoint
CREATE TABLE `subgroup_members` (
	`id` integer PRIMARY KEY NOT NULL,
	`student_id` integer NOT NULL,
	`subgroup_id` integer NOT NULL,
	`starts_on` text NOT NULL,
	`ends_on` text,
	`row_version` integer DEFAULT 1 NOT NULL,
	`updated_at` integer NOT NULL,
	`updated_by` integer,
	FOREIGN KEY (`student_id`) REFERENCES `students`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`subgroup_id`) REFERENCES `subgroups`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `subgroup_members_subgroup` ON `subgroup_members` (`subgroup_id`);--> statement-breakpoint
CREATE INDEX `subgroup_members_student` ON `subgroup_members` (`student_id`);--> statement-breakpoint
CREATE TABLE `subgroups` (
	`id` integer PRIMARY KEY NOT NULL,
	`group_id` integer NOT NULL,
	`kind` text NOT NULL,
	`name` text NOT NULL,
	`row_version` integer DEFAULT 1 NOT NULL,
	`updated_at` integer NOT NULL,
	`updated_by` integer,
	FOREIGN KEY (`group_id`) REFERENCES `groups`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `subgroups_group` ON `subgroups` (`group_id`);--> statement-breakpoint
CREATE TABLE `user_roles` (
	`id` integer PRIMARY KEY NOT NULL,
	`user_id` integer NOT NULL,
	`role` text NOT NULL,
	`scope_kind` text NOT NULL,
	`scope_id` integer,
	`row_version` integer DEFAULT 1 NOT NULL,
	`updated_at` integer NOT NULL,
	`updated_by` integer,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `user_roles_user` ON `user_roles` (`user_id`);--> statement-breakpoint
CREATE TABLE `users` (
	`id` integer PRIMARY KEY NOT NULL,
	`login` text NOT NULL,
	`display_name` text NOT NULL,
	`teacher_id` integer,
	`student_id` integer,
	`password_hash` text,
	`locale` text NOT NULL,
	`active` integer NOT NULL,
	`row_version` integer DEFAULT 1 NOT NULL,
	`updated_at` integer NOT NULL,
	`updated_by` integer,
	FOREIGN KEY (`teacher_id`) REFERENCES `teachers`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`student_id`) REFERENCES `students`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `users_login` ON `users` (`login`);--> statement-breakpoint
CREATE INDEX `users_teacher` ON `users` (`teacher_id`);--> statement-breakpoint
CREATE TABLE `assessments` (
	`id` integer PRIMARY KEY NOT NULL,
	`offering_id` integer NOT NULL,
	`student_id` integer NOT NULL,
	`kind` text NOT NULL,
	`ordinal` integer NOT NULL,
	`date` text NOT NULL,
	`grade` integer,
	`points` integer,
	`passed` integer,
	`outcome` text,
	`row_version` integer DEFAULT 1 NOT NULL,
	`updated_at` integer NOT NULL,
	`updated_by` integer,
	FOREIGN KEY (`offering_id`) REFERENCES `offerings`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`student_id`) REFERENCES `students`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `assessments_key` ON `assessments` (`offering_id`,`student_id`,`kind`,`ordinal`);--> statement-breakpoint
CREATE TABLE `lessons` (
	`id` integer PRIMARY KEY NOT NULL,
	`offering_id` integer NOT NULL,
	`date` text NOT NULL,
	`pair` integer NOT NULL,
	`room_id` integer,
	`slot_id` integer,
	`plan_topic_id` integer,
	`topic` text,
	`conducted_by` integer,
	`status` text NOT NULL,
	`origin` text NOT NULL,
	`status_reason` text,
	`moved_from_id` integer,
	`completed_at` integer,
	`row_version` integer DEFAULT 1 NOT NULL,
	`updated_at` integer NOT NULL,
	`updated_by` integer,
	FOREIGN KEY (`offering_id`) REFERENCES `offerings`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`room_id`) REFERENCES `rooms`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`slot_id`) REFERENCES `timetable_slots`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`plan_topic_id`) REFERENCES `plan_topics`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`conducted_by`) REFERENCES `teachers`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `lessons_offering` ON `lessons` (`offering_id`,`date`,`pair`);--> statement-breakpoint
CREATE INDEX `lessons_date` ON `lessons` (`date`,`pair`);--> statement-breakpoint
CREATE TABLE `marks` (
	`lesson_id` integer NOT NULL,
	`student_id` integer NOT NULL,
	`attendance` text NOT NULL,
	`grade` integer,
	`row_version` integer DEFAULT 1 NOT NULL,
	`updated_at` integer NOT NULL,
	`updated_by` integer,
	PRIMARY KEY(`lesson_id`, `student_id`),
	FOREIGN KEY (`lesson_id`) REFERENCES `lessons`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`student_id`) REFERENCES `students`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `offerings` (
	`id` integer PRIMARY KEY NOT NULL,
	`semester_id` integer NOT NULL,
	`discipline_id` integer NOT NULL,
	`department_id` integer NOT NULL,
	`teacher_id` integer NOT NULL,
	`group_id` integer NOT NULL,
	`subgroup_id` integer,
	`lesson_kind` text NOT NULL,
	`planned_hours` integer NOT NULL,
	`row_version` integer DEFAULT 1 NOT NULL,
	`updated_at` integer NOT NULL,
	`updated_by` integer,
	FOREIGN KEY (`semester_id`) REFERENCES `semesters`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`discipline_id`) REFERENCES `disciplines`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`department_id`) REFERENCES `departments`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`teacher_id`) REFERENCES `teachers`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`group_id`) REFERENCES `groups`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`subgroup_id`) REFERENCES `subgroups`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `offerings_group` ON `offerings` (`group_id`);--> statement-breakpoint
CREATE INDEX `offerings_teacher` ON `offerings` (`teacher_id`);--> statement-breakpoint
CREATE INDEX `offerings_department` ON `offerings` (`department_id`);--> statement-breakpoint
CREATE INDEX `offerings_semester` ON `offerings` (`semester_id`);--> statement-breakpoint
CREATE TABLE `plan_topics` (
	`id` integer PRIMARY KEY NOT NULL,
	`offering_id` integer NOT NULL,
	`ordinal` integer NOT NULL,
	`title` text NOT NULL,
	`hours` integer NOT NULL,
	`row_version` integer DEFAULT 1 NOT NULL,
	`updated_at` integer NOT NULL,
	`updated_by` integer,
	FOREIGN KEY (`offering_id`) REFERENCES `offerings`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `plan_topics_offering` ON `plan_topics` (`offering_id`,`ordinal`);--> statement-breakpoint
CREATE TABLE `timetable_slots` (
	`id` integer PRIMARY KEY NOT NULL,
	`offering_id` integer NOT NULL,
	`weekday` integer NOT NULL,
	`pair` integer NOT NULL,
	`room_id` integer,
	`parity` text NOT NULL,
	`starts_on` text NOT NULL,
	`ends_on` text NOT NULL,
	`row_version` integer DEFAULT 1 NOT NULL,
	`updated_at` integer NOT NULL,
	`updated_by` integer,
	FOREIGN KEY (`offering_id`) REFERENCES `offerings`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`room_id`) REFERENCES `rooms`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `timetable_slots_offering` ON `timetable_slots` (`offering_id`);--> statement-breakpoint
CREATE INDEX `timetable_slots_time` ON `timetable_slots` (`weekday`,`pair`);--> statement-breakpoint
CREATE TABLE `absences` (
	`id` text PRIMARY KEY NOT NULL,
	`teacher_id` integer NOT NULL,
	`starts_on` text NOT NULL,
	`ends_on` text NOT NULL,
	`pairs` text,
	`reason` text NOT NULL,
	`document_ref` text,
	`created_by` integer,
	`row_version` integer DEFAULT 1 NOT NULL,
	`updated_at` integer NOT NULL,
	`updated_by` integer,
	FOREIGN KEY (`teacher_id`) REFERENCES `teachers`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `absences_teacher` ON `absences` (`teacher_id`,`starts_on`);--> statement-breakpoint
CREATE TABLE `locks` (
	`id` text PRIMARY KEY NOT NULL,
	`offering_id` integer NOT NULL,
	`closed_on` text NOT NULL,
	`closed_at` integer NOT NULL,
	`closed_by` integer,
	`row_version` integer DEFAULT 1 NOT NULL,
	`updated_at` integer NOT NULL,
	`updated_by` integer,
	FOREIGN KEY (`offering_id`) REFERENCES `offerings`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `locks_offering` ON `locks` (`offering_id`);--> statement-breakpoint
CREATE TABLE `substitutions` (
	`id` text PRIMARY KEY NOT NULL,
	`lesson_id` integer NOT NULL,
	`absence_id` text,
	`absent_teacher_id` integer NOT NULL,
	`substitute_teacher_id` integer NOT NULL,
	`assigned_by` integer,
	`assigned_at` integer NOT NULL,
	`cancelled_at` integer,
	`row_version` integer DEFAULT 1 NOT NULL,
	`updated_at` integer NOT NULL,
	`updated_by` integer,
	FOREIGN KEY (`lesson_id`) REFERENCES `lessons`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`absence_id`) REFERENCES `absences`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`absent_teacher_id`) REFERENCES `teachers`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`substitute_teacher_id`) REFERENCES `teachers`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `substitutions_lesson` ON `substitutions` (`lesson_id`);--> statement-breakpoint
CREATE INDEX `substitutions_substitute` ON `substitutions` (`substitute_teacher_id`);--> statement-breakpoint
CREATE TABLE `unlocks` (
	`id` text PRIMARY KEY NOT NULL,
	`offering_id` integer NOT NULL,
	`lesson_id` integer,
	`student_id` integer,
	`reason` text NOT NULL,
	`granted_by` integer NOT NULL,
	`granted_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`row_version` integer DEFAULT 1 NOT NULL,
	`updated_at` integer NOT NULL,
	`updated_by` integer,
	FOREIGN KEY (`offering_id`) REFERENCES `offerings`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`lesson_id`) REFERENCES `lessons`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`student_id`) REFERENCES `students`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `unlocks_offering` ON `unlocks` (`offering_id`);--> statement-breakpoint
CREATE TABLE `audit_log` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at` integer NOT NULL,
	`user_id` integer,
	`device_id` text NOT NULL,
	`entity` text NOT NULL,
	`entity_key` text NOT NULL,
	`op` text NOT NULL,
	`old_value` text,
	`new_value` text,
	`reason` text,
	`mutation_id` text
);
--> statement-breakpoint
CREATE INDEX `audit_log_entity` ON `audit_log` (`entity`,`entity_key`);--> statement-breakpoint
CREATE TABLE `meta` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `outbox` (
	`local_seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`mutation_id` text NOT NULL,
	`device_id` text NOT NULL,
	`user_id` integer NOT NULL,
	`name` text NOT NULL,
	`args` text NOT NULL,
	`base_version` integer,
	`schema_version` integer NOT NULL,
	`created_at` integer NOT NULL,
	`acked_seq` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `outbox_mutation` ON `outbox` (`mutation_id`);--> statement-breakpoint
CREATE TABLE `sync_conflicts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`mutation_id` text NOT NULL,
	`name` text NOT NULL,
	`args` text NOT NULL,
	`base_version` integer,
	`outcome` text NOT NULL,
	`reason` text,
	`server_row` text,
	`created_at` integer NOT NULL,
	`user_id` integer,
	`resolved_at` integer,
	`resolution` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `sync_conflicts_mutation` ON `sync_conflicts` (`mutation_id`);