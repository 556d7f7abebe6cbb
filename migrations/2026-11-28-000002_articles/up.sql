-- The verbatim input an article came from, so extraction can be re-run without
-- re-ingesting; the SHA-256 of the text makes a second ingest of it a no-op.
CREATE TABLE raw_documents (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    content TEXT NOT NULL CHECK (content <> ''),
    content_hash BYTEA NOT NULL UNIQUE CHECK (octet_length(content_hash) = 32),
    format TEXT NOT NULL CHECK (format IN ('PRINT', 'JSON')),
    source_name TEXT,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- The section tree ("INTERNATIONAL > East Asia & Pacific"); `path` is the full
-- breadcrumb so a section filter can include sub-sections with one prefix scan.
CREATE TABLE sections (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    parent_id BIGINT REFERENCES sections (id) ON DELETE RESTRICT,
    name TEXT NOT NULL CHECK (name <> ''),
    path TEXT NOT NULL UNIQUE,
    depth INTEGER NOT NULL CHECK (depth >= 1),
    CHECK ((parent_id IS NULL) = (depth = 1))
);
CREATE INDEX sections_parent_id_idx ON sections (parent_id);
CREATE INDEX sections_path_prefix_idx ON sections (path text_pattern_ops);

CREATE TABLE organizations (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
    name TEXT NOT NULL CHECK (name <> ''),
    acronym TEXT CHECK (acronym <> ''),
    kind TEXT NOT NULL DEFAULT 'OTHER'
        CHECK (kind IN ('GOVERNMENT', 'PARTY', 'MEDIA', 'COMPANY', 'INTERNATIONAL', 'MILITARY', 'OTHER')),
    country TEXT,
    external_id TEXT UNIQUE,
    -- A merged organization keeps its row so old IDs keep resolving to the survivor.
    merged_into_id BIGINT REFERENCES organizations (id) ON DELETE SET NULL CHECK (merged_into_id <> id),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX organizations_merged_into_id_idx ON organizations (merged_into_id);
CREATE INDEX organizations_name_key_idx ON organizations (name_key(name));
CREATE INDEX organizations_name_trgm_idx ON organizations USING gin (name_key(name) gin_trgm_ops);

CREATE TABLE organization_aliases (
    organization_id BIGINT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    alias TEXT NOT NULL CHECK (alias <> ''),
    alias_key TEXT NOT NULL GENERATED ALWAYS AS (name_key(alias)) STORED,
    added_by_editor BOOLEAN NOT NULL DEFAULT false,
    PRIMARY KEY (organization_id, alias_key)
);
CREATE INDEX organization_aliases_alias_key_idx ON organization_aliases (alias_key);
-- Fuzzy search goes through lower(alias_key) (a no-op on a key that is already lower
-- case) so that this index never competes with the btree for exact lookups: pg_trgm can
-- answer `=` too, far more slowly, and the planner sometimes prefers it.
CREATE INDEX organization_aliases_trgm_idx ON organization_aliases USING gin (lower(alias_key) gin_trgm_ops);

-- An outlet as printed on the sources line; linked to the organization it is.
CREATE TABLE outlets (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
    name TEXT NOT NULL CHECK (name <> ''),
    name_key TEXT NOT NULL UNIQUE GENERATED ALWAYS AS (name_key(name)) STORED,
    organization_id BIGINT REFERENCES organizations (id) ON DELETE SET NULL
);
CREATE INDEX outlets_organization_id_idx ON outlets (organization_id);

CREATE TABLE people (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
    canonical_name TEXT NOT NULL CHECK (canonical_name <> ''),
    external_id TEXT UNIQUE,
    merged_into_id BIGINT REFERENCES people (id) ON DELETE SET NULL CHECK (merged_into_id <> id),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX people_merged_into_id_idx ON people (merged_into_id);
CREATE INDEX people_name_key_idx ON people (name_key(canonical_name));
CREATE INDEX people_name_trgm_idx ON people USING gin (name_key(canonical_name) gin_trgm_ops);

-- Every surface form seen ("Xi", "Xi Jinping") plus aliases added by editors.
CREATE TABLE person_aliases (
    person_id BIGINT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    alias TEXT NOT NULL CHECK (alias <> ''),
    alias_key TEXT NOT NULL GENERATED ALWAYS AS (name_key(alias)) STORED,
    added_by_editor BOOLEAN NOT NULL DEFAULT false,
    PRIMARY KEY (person_id, alias_key)
);
CREATE INDEX person_aliases_alias_key_idx ON person_aliases (alias_key);
CREATE INDEX person_aliases_trgm_idx ON person_aliases USING gin (lower(alias_key) gin_trgm_ops);

CREATE TABLE articles (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
    raw_document_id BIGINT NOT NULL UNIQUE REFERENCES raw_documents (id) ON DELETE RESTRICT,
    title TEXT NOT NULL CHECK (title <> ''),
    kind TEXT NOT NULL CHECK (kind IN ('TRANSLATION', 'SUMMARY', 'ORIGINAL')),
    published_on DATE NOT NULL,
    -- The sources line as written ("Okinawa Times, Ryukyu Shimpo").
    publication TEXT,
    section_id BIGINT REFERENCES sections (id) ON DELETE RESTRICT,
    dateline TEXT CHECK (dateline <> ''),
    paragraphs TEXT[] NOT NULL,
    abridged BOOLEAN NOT NULL DEFAULT false,
    source_url TEXT,
    language TEXT NOT NULL DEFAULT 'en',
    original_language TEXT,
    word_count INTEGER NOT NULL CHECK (word_count >= 0),
    extractor_version TEXT NOT NULL,
    -- Title above body in relevance.
    search TSVECTOR NOT NULL GENERATED ALWAYS AS (
        setweight(to_tsvector('english'::regconfig, title), 'A')
        || setweight(to_tsvector('english'::regconfig, paragraphs_text(paragraphs)), 'B')
    ) STORED,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
-- Keyset orderings: newest first (default) and by title, both tie-broken by id.
CREATE INDEX articles_published_on_id_idx ON articles (published_on DESC, id DESC);
CREATE INDEX articles_title_id_idx ON articles (title, id);
CREATE INDEX articles_section_published_idx ON articles (section_id, published_on DESC, id DESC);
CREATE INDEX articles_kind_published_idx ON articles (kind, published_on DESC, id DESC);
CREATE INDEX articles_dateline_key_idx ON articles (name_key(dateline));
CREATE INDEX articles_search_idx ON articles USING gin (search);

CREATE TABLE article_outlets (
    article_id BIGINT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    outlet_id BIGINT NOT NULL REFERENCES outlets (id) ON DELETE RESTRICT,
    position SMALLINT NOT NULL CHECK (position >= 0),
    page TEXT CHECK (page <> ''),
    PRIMARY KEY (article_id, outlet_id)
);
CREATE INDEX article_outlets_outlet_id_idx ON article_outlets (outlet_id, article_id);

-- Byline authors are people.
CREATE TABLE article_authors (
    article_id BIGINT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    person_id BIGINT NOT NULL REFERENCES people (id) ON DELETE RESTRICT,
    position SMALLINT NOT NULL CHECK (position >= 0),
    PRIMARY KEY (article_id, person_id)
);
CREATE INDEX article_authors_person_id_idx ON article_authors (person_id, article_id);

CREATE TABLE tags (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
    name TEXT NOT NULL CHECK (name <> '')
);

CREATE TABLE article_tags (
    article_id BIGINT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    tag_id BIGINT NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
    added_by_editor BOOLEAN NOT NULL DEFAULT false,
    PRIMARY KEY (article_id, tag_id)
);
CREATE INDEX article_tags_tag_id_idx ON article_tags (tag_id, article_id);

-- updated_at follows every change (diesel's helper from the initial setup migration).
SELECT diesel_manage_updated_at('articles');
SELECT diesel_manage_updated_at('people');
SELECT diesel_manage_updated_at('organizations');
