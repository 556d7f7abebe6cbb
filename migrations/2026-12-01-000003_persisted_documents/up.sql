-- GraphQL documents known by the SHA-256 of their text: registered by clients through
-- automatic persisted queries, or by an admin as trusted documents (the only ones that
-- run when TRUSTED_DOCUMENTS_ONLY is on). Kept in the database so every server knows them.
CREATE TABLE persisted_documents (
    sha256 TEXT PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    document TEXT NOT NULL,
    trusted BOOLEAN NOT NULL DEFAULT false,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
