DROP TRIGGER quotes_fill_search ON quotes;
DROP TRIGGER articles_fill_search ON articles;
DROP FUNCTION quotes_fill_search();
DROP FUNCTION articles_fill_search();
DROP FUNCTION quote_search_vector(text);
DROP FUNCTION article_search_vector(text, text);
ALTER TABLE quotes DROP COLUMN search;
ALTER TABLE quotes ADD COLUMN search TSVECTOR NOT NULL
    GENERATED ALWAYS AS (to_tsvector('english'::regconfig, text)) STORED;
CREATE INDEX quotes_search_idx ON quotes USING gin (search);
ALTER TABLE articles DROP COLUMN search;
ALTER TABLE articles ADD COLUMN search TSVECTOR NOT NULL GENERATED ALWAYS AS (
    setweight(to_tsvector('english'::regconfig, title), 'A')
    || setweight(to_tsvector('english'::regconfig, paragraphs_text(paragraphs)), 'B')
) STORED;
CREATE INDEX articles_search_idx ON articles USING gin (search);
