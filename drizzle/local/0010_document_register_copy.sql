-- Issue 15: every journal already in the paper register enters the document register under the same
-- id, with the same number, code, language, pages, printer, time and sync columns (canonical version 1,
-- about its offering, no twin) — the gateway's migration copies the same rows the same way, so the two
-- stay equal row for row and checksum for checksum. Numbers are unique in the document register; two
-- paper entries under one number (one offering printed twice within a second) keep the earlier one's
-- number (by time printed, then id) and the later ones get their id appended, so no entry is lost.
INSERT INTO `documents` (`id`, `number`, `kind`, `locale`, `code`, `canon`, `pages`, `subject_kind`, `subject_id`,
  `twin`, `printed_at`, `printed_by`, `row_version`, `updated_at`, `updated_by`)
SELECT p.`id`,
  CASE WHEN EXISTS (SELECT 1 FROM `paper_journals` q WHERE q.`number` = p.`number`
      AND (q.`printed_at` < p.`printed_at` OR (q.`printed_at` = p.`printed_at` AND q.`id` < p.`id`)))
    THEN p.`number` || '/' || p.`id` ELSE p.`number` END,
  'journal', p.`locale`, p.`code`, 1, p.`pages`, 'offering', p.`offering_id`, NULL, p.`printed_at`, p.`printed_by`,
  p.`row_version`, p.`updated_at`, p.`updated_by`
FROM `paper_journals` p;
