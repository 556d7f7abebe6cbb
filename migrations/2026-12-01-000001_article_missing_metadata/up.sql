-- What a page lacked, so readers can tell a headline from a stand-in and a printed date
-- from one taken elsewhere.
ALTER TABLE articles
    ADD COLUMN title_derived boolean NOT NULL DEFAULT false,
    ADD COLUMN date_source text NOT NULL DEFAULT 'text'
        CONSTRAINT articles_date_source_check CHECK (date_source IN ('text', 'given', 'source_url'));

COMMENT ON COLUMN articles.title_derived IS
    'The page had no title line: the title is the first sentence of the body.';
COMMENT ON COLUMN articles.date_source IS
    'Where published_on came from: text (the page), given (--published-on or publishedOn), source_url (/YYYYMMDD.../ in the URL).';
