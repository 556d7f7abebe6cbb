-- An article is identified by its content (title and body paragraphs after parsing), not by
-- the raw page it came from: the same article captured twice with different site navigation
-- is one article with two captures. Every raw capture is kept.
CREATE TABLE article_captures (
    raw_document_id BIGINT PRIMARY KEY REFERENCES raw_documents (id) ON DELETE CASCADE,
    article_id BIGINT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    captured_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX article_captures_article_id_idx ON article_captures (article_id);

INSERT INTO article_captures (raw_document_id, article_id, captured_at)
SELECT raw_document_id, id, created_at FROM articles;

-- SHA-256 of the title and the paragraphs joined by U+001F, as `store::article_hash`
-- computes it. Null only for articles archived twice before this migration (the older keeps
-- the hash); edits do not change it, so re-ingesting an edited article's text is a no-op.
ALTER TABLE articles ADD COLUMN content_hash BYTEA CHECK (octet_length(content_hash) = 32);

ALTER TABLE articles DISABLE TRIGGER set_updated_at;
UPDATE articles a SET content_hash = h.hash
FROM (
    SELECT id, hash, row_number() OVER (PARTITION BY hash ORDER BY id) AS n
    FROM (
        SELECT id,
               sha256(convert_to(array_to_string(ARRAY[title] || paragraphs, chr(31)), 'UTF8')) AS hash
        FROM articles
    ) x
) h
WHERE h.id = a.id AND h.n = 1;
ALTER TABLE articles ENABLE TRIGGER set_updated_at;

CREATE UNIQUE INDEX articles_content_hash_key ON articles (content_hash);
