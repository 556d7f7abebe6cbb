-- New articles in commit order, for subscriptions. An ingest takes a lock just before it
-- adds its row and keeps it until it commits, so positions are handed out in commit
-- order: once a position is visible, every smaller one is committed (or rolled back).
-- A subscriber that remembers the last position it delivered can therefore always
-- catch up, after a missed notification or a reconnect, without loss or repeats.
CREATE TABLE article_feed (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    article_id BIGINT NOT NULL UNIQUE REFERENCES articles (id) ON DELETE CASCADE,
    added_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
