ALTER TABLE articles DROP COLUMN date_source, DROP COLUMN title_derived;
