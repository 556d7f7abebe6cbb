DROP INDEX articles_content_hash_key;
ALTER TABLE articles DROP COLUMN content_hash;
DROP TABLE article_captures;
