-- Back to scanning the transaction's deltas on every firing.
CREATE OR REPLACE FUNCTION apply_count_deltas() RETURNS trigger LANGUAGE plpgsql AS $$
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
