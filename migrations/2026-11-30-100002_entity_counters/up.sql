-- Mention, article and quote counts per person and organization, kept up to date by
-- triggers so that `orderBy: MENTIONS` and entity totals are index scans, not
-- aggregations over millions of mentions.
--
-- Every write path (ingest, re-extraction, deletion, merges, speaker corrections) changes
-- `mentions` and `quotes`; statement-level triggers turn each change into per-entity
-- deltas, staged per transaction, and one deferred trigger applies a transaction's
-- deltas at commit, locking the counted rows in one global order (people by id, then
-- organizations by id). Updating the hot rows of well-known people directly from each
-- statement would lock them in arbitrary orders and deadlock concurrent ingests.

ALTER TABLE people
    ADD COLUMN mention_count BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN article_count BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN quote_count BIGINT NOT NULL DEFAULT 0;
ALTER TABLE organizations
    ADD COLUMN mention_count BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN article_count BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN quote_count BIGINT NOT NULL DEFAULT 0;

UPDATE people p SET mention_count = c.m, article_count = c.a
FROM (SELECT person_id, count(*) AS m, count(DISTINCT article_id) AS a
      FROM mentions WHERE person_id IS NOT NULL GROUP BY 1) c
WHERE p.id = c.person_id;
UPDATE organizations o SET mention_count = c.m, article_count = c.a
FROM (SELECT organization_id, count(*) AS m, count(DISTINCT article_id) AS a
      FROM mentions WHERE organization_id IS NOT NULL GROUP BY 1) c
WHERE o.id = c.organization_id;
UPDATE people p SET quote_count = c.n
FROM (SELECT speaker_person_id, count(*) AS n FROM quotes
      WHERE speaker_person_id IS NOT NULL GROUP BY 1) c
WHERE p.id = c.speaker_person_id;
UPDATE organizations o SET quote_count = c.n
FROM (SELECT speaker_organization_id, count(*) AS n FROM quotes
      WHERE speaker_organization_id IS NOT NULL GROUP BY 1) c
WHERE o.id = c.speaker_organization_id;

-- Lists by mentions (live entities only), and by name.
CREATE INDEX people_mention_count_idx ON people (mention_count DESC, id DESC)
    WHERE merged_into_id IS NULL;
CREATE INDEX organizations_mention_count_idx ON organizations (mention_count DESC, id DESC)
    WHERE merged_into_id IS NULL;
CREATE INDEX people_canonical_name_idx ON people (canonical_name, id)
    WHERE merged_into_id IS NULL;
CREATE INDEX organizations_name_idx ON organizations (name, id)
    WHERE merged_into_id IS NULL;

-- Deltas of the running transactions, applied (and deleted) at their commit.
CREATE TABLE entity_count_deltas (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    txid BIGINT NOT NULL DEFAULT txid_current(),
    person_id BIGINT,
    organization_id BIGINT,
    mentions BIGINT NOT NULL DEFAULT 0,
    articles BIGINT NOT NULL DEFAULT 0,
    quotes BIGINT NOT NULL DEFAULT 0,
    CHECK (num_nonnulls(person_id, organization_id) = 1)
);
CREATE INDEX entity_count_deltas_txid_idx ON entity_count_deltas (txid);

-- One changed mention or quote: +1 for a new row, -1 for a removed one.
CREATE TYPE count_change AS (person_id BIGINT, organization_id BIGINT, article_id BIGINT, dn INTEGER);

-- Stages the deltas of changed mentions. An entity's article count changes when its
-- first mention in an article arrives or its last one goes: the count of its mentions in
-- that article after the statement, against the count before (after minus the change).
CREATE FUNCTION stage_mention_changes(changes count_change[]) RETURNS void
LANGUAGE sql AS $$
    WITH c AS (SELECT * FROM unnest(changes)),
    pairs AS (
        SELECT c.person_id, c.organization_id, c.article_id, sum(c.dn) AS d
        FROM c GROUP BY 1, 2, 3
    ),
    counted AS (
        SELECT p.*, (SELECT count(*) FROM mentions m
                     WHERE m.article_id = p.article_id
                       AND m.person_id IS NOT DISTINCT FROM p.person_id
                       AND m.organization_id IS NOT DISTINCT FROM p.organization_id) AS after
        FROM pairs p
    )
    INSERT INTO entity_count_deltas (person_id, organization_id, mentions, articles)
    SELECT person_id, organization_id, sum(d),
           sum((after > 0)::int - ((after - d) > 0)::int)
    FROM counted GROUP BY 1, 2
    HAVING sum(d) <> 0 OR sum((after > 0)::int - ((after - d) > 0)::int) <> 0;
$$;

CREATE FUNCTION stage_quote_changes(changes count_change[]) RETURNS void
LANGUAGE sql AS $$
    INSERT INTO entity_count_deltas (person_id, organization_id, quotes)
    SELECT person_id, organization_id, sum(dn)
    FROM unnest(changes)
    WHERE num_nonnulls(person_id, organization_id) = 1
    GROUP BY 1, 2
    HAVING sum(dn) <> 0;
$$;

CREATE FUNCTION mentions_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM stage_mention_changes(ARRAY(
        SELECT ROW(person_id, organization_id, article_id, 1)::count_change FROM new_rows));
    RETURN NULL;
END
$$;
CREATE FUNCTION mentions_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM stage_mention_changes(ARRAY(
        SELECT ROW(person_id, organization_id, article_id, -1)::count_change FROM old_rows));
    RETURN NULL;
END
$$;
CREATE FUNCTION mentions_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM stage_mention_changes(ARRAY(
        SELECT ROW(person_id, organization_id, article_id, 1)::count_change FROM new_rows
        UNION ALL
        SELECT ROW(person_id, organization_id, article_id, -1)::count_change FROM old_rows));
    RETURN NULL;
END
$$;
CREATE TRIGGER mentions_count_insert AFTER INSERT ON mentions
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION mentions_inserted();
CREATE TRIGGER mentions_count_delete AFTER DELETE ON mentions
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION mentions_deleted();
CREATE TRIGGER mentions_count_update AFTER UPDATE ON mentions
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION mentions_updated();

CREATE FUNCTION quotes_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM stage_quote_changes(ARRAY(
        SELECT ROW(speaker_person_id, speaker_organization_id, article_id, 1)::count_change
        FROM new_rows));
    RETURN NULL;
END
$$;
CREATE FUNCTION quotes_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM stage_quote_changes(ARRAY(
        SELECT ROW(speaker_person_id, speaker_organization_id, article_id, -1)::count_change
        FROM old_rows));
    RETURN NULL;
END
$$;
CREATE FUNCTION quotes_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM stage_quote_changes(ARRAY(
        SELECT ROW(speaker_person_id, speaker_organization_id, article_id, 1)::count_change
        FROM new_rows
        UNION ALL
        SELECT ROW(speaker_person_id, speaker_organization_id, article_id, -1)::count_change
        FROM old_rows));
    RETURN NULL;
END
$$;
CREATE TRIGGER quotes_count_insert AFTER INSERT ON quotes
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION quotes_inserted();
CREATE TRIGGER quotes_count_delete AFTER DELETE ON quotes
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION quotes_deleted();
CREATE TRIGGER quotes_count_update AFTER UPDATE ON quotes
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION quotes_updated();

-- At commit: the transaction's deltas, summed per entity and applied row by row in one
-- global order (people by id, then organizations by id), so that two committing
-- transactions never wait for each other in a cycle. The first firing does the work and
-- deletes the deltas; the transaction's later firings find nothing.
CREATE FUNCTION apply_count_deltas() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    d record;
BEGIN
    FOR d IN
        SELECT person_id, organization_id,
               sum(mentions) AS m, sum(articles) AS a, sum(quotes) AS q
        FROM entity_count_deltas WHERE txid = txid_current()
        GROUP BY 1, 2
        ORDER BY person_id IS NULL, person_id, organization_id
    LOOP
        IF d.person_id IS NOT NULL THEN
            UPDATE people SET mention_count = mention_count + d.m,
                              article_count = article_count + d.a,
                              quote_count = quote_count + d.q
            WHERE id = d.person_id;
        ELSE
            UPDATE organizations SET mention_count = mention_count + d.m,
                                     article_count = article_count + d.a,
                                     quote_count = quote_count + d.q
            WHERE id = d.organization_id;
        END IF;
    END LOOP;
    DELETE FROM entity_count_deltas WHERE txid = txid_current();
    RETURN NULL;
END
$$;
CREATE CONSTRAINT TRIGGER entity_count_deltas_apply AFTER INSERT ON entity_count_deltas
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION apply_count_deltas();
