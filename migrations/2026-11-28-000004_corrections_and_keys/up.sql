-- API keys: only a SHA-256 of the token is stored; the token is shown once.
CREATE TABLE api_keys (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name TEXT NOT NULL CHECK (name <> ''),
    role TEXT NOT NULL CHECK (role IN ('READER', 'EDITOR', 'ADMIN')),
    token_hash BYTEA NOT NULL UNIQUE CHECK (octet_length(token_hash) = 32),
    -- The first characters of the token, so a key can be recognised in a list.
    token_prefix TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    revoked_at TIMESTAMPTZ
);

-- Every editor correction: who, when, what before, what after. Corrections that
-- touch extracted links (a quote's speaker) are keyed by the article and the
-- quote's position, so re-extraction can apply them again.
CREATE TABLE corrections (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    api_key_id BIGINT REFERENCES api_keys (id) ON DELETE SET NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL CHECK (action IN (
        'UPDATE_ARTICLE', 'DELETE_ARTICLE', 'MERGE_PEOPLE', 'MERGE_ORGANIZATIONS',
        'UPDATE_PERSON', 'UPDATE_ORGANIZATION', 'SET_QUOTE_SPEAKER')),
    subject_type TEXT NOT NULL CHECK (subject_type IN ('ARTICLE', 'PERSON', 'ORGANIZATION', 'QUOTE')),
    subject_id BIGINT NOT NULL,
    article_id BIGINT REFERENCES articles (id) ON DELETE CASCADE,
    paragraph INTEGER,
    start_offset INTEGER,
    before JSONB,
    after JSONB NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK ((action = 'SET_QUOTE_SPEAKER') = (article_id IS NOT NULL AND paragraph IS NOT NULL AND start_offset IS NOT NULL))
);
CREATE INDEX corrections_api_key_id_idx ON corrections (api_key_id);
CREATE INDEX corrections_article_id_idx ON corrections (article_id) WHERE article_id IS NOT NULL;
CREATE INDEX corrections_subject_idx ON corrections (subject_type, subject_id);
