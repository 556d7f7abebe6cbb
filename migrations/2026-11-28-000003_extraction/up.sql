-- Everything below is produced by the extractor and records its version; re-extraction
-- replaces an article's rows, and editor corrections are re-applied afterwards.

-- One row per occurrence of a person or organization in an article body.
CREATE TABLE mentions (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    article_id BIGINT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    person_id BIGINT REFERENCES people (id) ON DELETE CASCADE,
    organization_id BIGINT REFERENCES organizations (id) ON DELETE CASCADE,
    paragraph INTEGER NOT NULL CHECK (paragraph >= 0),
    start_offset INTEGER NOT NULL CHECK (start_offset >= 0),
    end_offset INTEGER NOT NULL,
    surface TEXT NOT NULL CHECK (surface <> ''),
    -- The title written before the name at this mention ("Chinese leader").
    title TEXT CHECK (title <> ''),
    extractor_version TEXT NOT NULL,
    CHECK (num_nonnulls(person_id, organization_id) = 1),
    CHECK (end_offset > start_offset)
);
CREATE INDEX mentions_article_id_idx ON mentions (article_id);
CREATE INDEX mentions_person_id_idx ON mentions (person_id, article_id) WHERE person_id IS NOT NULL;
CREATE INDEX mentions_organization_id_idx ON mentions (organization_id, article_id) WHERE organization_id IS NOT NULL;

-- A person's titles as they appeared in each article, with the article's date.
CREATE TABLE person_titles (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    person_id BIGINT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    article_id BIGINT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    title TEXT NOT NULL CHECK (title <> ''),
    published_on DATE NOT NULL,
    extractor_version TEXT NOT NULL,
    UNIQUE (person_id, article_id, title)
);
CREATE INDEX person_titles_article_id_idx ON person_titles (article_id);
CREATE INDEX person_titles_person_date_idx ON person_titles (person_id, published_on DESC);

CREATE TABLE quotes (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    article_id BIGINT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    -- The article's date, kept here so quote lists page by date without a join.
    published_on DATE NOT NULL,
    paragraph INTEGER NOT NULL CHECK (paragraph >= 0),
    start_offset INTEGER NOT NULL CHECK (start_offset >= 0),
    end_offset INTEGER NOT NULL,
    text TEXT NOT NULL CHECK (text <> ''),
    -- The speaker is a person, an organization or an unnamed source's description;
    -- never two of them. All three empty means the speaker is unknown.
    speaker_person_id BIGINT REFERENCES people (id) ON DELETE SET NULL,
    speaker_organization_id BIGINT REFERENCES organizations (id) ON DELETE SET NULL,
    speaker_description TEXT CHECK (speaker_description <> ''),
    cue TEXT CHECK (cue <> ''),
    is_fragment BOOLEAN NOT NULL,
    confidence REAL NOT NULL CHECK (confidence >= 0 AND confidence <= 1),
    extractor_version TEXT NOT NULL,
    search TSVECTOR NOT NULL GENERATED ALWAYS AS (to_tsvector('english'::regconfig, text)) STORED,
    CHECK (num_nonnulls(speaker_person_id, speaker_organization_id, speaker_description) <= 1),
    CHECK (end_offset > start_offset),
    UNIQUE (article_id, paragraph, start_offset)
);
CREATE INDEX quotes_published_on_id_idx ON quotes (published_on DESC, id DESC);
CREATE INDEX quotes_speaker_person_id_idx ON quotes (speaker_person_id, published_on DESC, id DESC)
    WHERE speaker_person_id IS NOT NULL;
CREATE INDEX quotes_speaker_organization_id_idx ON quotes (speaker_organization_id, published_on DESC, id DESC)
    WHERE speaker_organization_id IS NOT NULL;
CREATE INDEX quotes_search_idx ON quotes USING gin (search);

-- Keep the copies of the article date in step when an editor changes it.
CREATE FUNCTION articles_sync_published_on() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE quotes SET published_on = NEW.published_on WHERE article_id = NEW.id;
    UPDATE person_titles SET published_on = NEW.published_on WHERE article_id = NEW.id;
    RETURN NEW;
END
$$;
CREATE TRIGGER articles_sync_published_on
    AFTER UPDATE OF published_on ON articles
    FOR EACH ROW WHEN (OLD.published_on IS DISTINCT FROM NEW.published_on)
    EXECUTE FUNCTION articles_sync_published_on();
