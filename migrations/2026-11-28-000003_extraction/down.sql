DROP TRIGGER articles_sync_published_on ON articles;
DROP FUNCTION articles_sync_published_on();
DROP TABLE quotes;
DROP TABLE person_titles;
DROP TABLE mentions;
