#!/usr/bin/env bash
# A copy of an archive database with `quotes` and `mentions` partitioned by article id range,
# for measuring reads with and without partitioning on the same rows (README, Performance,
# "Partitioning").
#
#   SRC=perf_1m DST=perf_1m_part PARTITIONS=10 bench/partition.sh
#
# The copy is made with CREATE DATABASE ... TEMPLATE ... STRATEGY FILE_COPY (no one may be
# connected to SRC). In the copy, each of the two tables is replaced by a table partitioned by
# RANGE (article_id) into PARTITIONS equal ranges of article ids, with the same columns and rows (generated columns
# copied as stored values), the same indexes (a unique index that does not include article_id
# becomes a plain one, and the primary key becomes (id, article_id): PostgreSQL requires the
# partition key in every unique index), and no foreign keys or triggers (the copy is for reads
# only). Then VACUUM ANALYZE.
#
# Environment: PG_URL_BASE [postgres://postgres@127.0.0.1:5432], SRC [perf_1m],
# DST [${SRC}_part], PARTITIONS [10].
set -euo pipefail
PG_URL_BASE=${PG_URL_BASE:-postgres://postgres@127.0.0.1:5432}
SRC=${SRC:-perf_1m}
DST=${DST:-${SRC}_part}
PARTITIONS=${PARTITIONS:-10}

psql -X -q -v ON_ERROR_STOP=1 "$PG_URL_BASE/postgres" \
    -c "DROP DATABASE IF EXISTS $DST" -c "CREATE DATABASE $DST TEMPLATE $SRC STRATEGY FILE_COPY"

psql -X -q -v ON_ERROR_STOP=1 -v parts="$PARTITIONS" "$PG_URL_BASE/$DST" <<'SQL'
\timing on
SELECT set_config('partition.parts', :'parts', false);
DO $$
DECLARE
    t text;
    parts int := current_setting('partition.parts')::int;
    step bigint;
    cols text;
    r record;
    def text;
BEGIN
    step := (SELECT max(id) FROM articles) / parts + 1;
    FOREACH t IN ARRAY ARRAY['quotes', 'mentions'] LOOP
        -- Foreign keys pointing at the table, and its own, go (reads only).
        FOR r IN SELECT conname, conrelid::regclass AS rel FROM pg_constraint
                 WHERE contype = 'f' AND (confrelid = t::regclass OR conrelid = t::regclass) LOOP
            EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', r.rel, r.conname);
        END LOOP;
        EXECUTE format('ALTER TABLE %I RENAME TO %I', t, t || '_plain');
        EXECUTE format('CREATE TABLE %I (LIKE %I INCLUDING DEFAULTS INCLUDING CONSTRAINTS)
                        PARTITION BY RANGE (article_id)', t, t || '_plain');
        FOR i IN 0 .. parts - 1 LOOP
            EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES FROM (%s) TO (%s)',
                           t || '_p' || i, t, i * step,
                           CASE WHEN i = parts - 1 THEN 'MAXVALUE' ELSE ((i + 1) * step)::text END);
        END LOOP;
        SELECT string_agg(quote_ident(attname), ', ' ORDER BY attnum) INTO cols
        FROM pg_attribute WHERE attrelid = (t || '_plain')::regclass AND attnum > 0
          AND NOT attisdropped;
        EXECUTE format('INSERT INTO %I (%s) SELECT %s FROM %I', t, cols, cols, t || '_plain');
        FOR r IN SELECT i.indexrelid, i.indisunique, i.indisprimary,
                        pg_get_indexdef(i.indexrelid) AS def,
                        EXISTS (SELECT 1 FROM unnest(i.indkey) k
                                JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k
                                WHERE a.attname = 'article_id') AS has_key
                 FROM pg_index i WHERE i.indrelid = (t || '_plain')::regclass LOOP
            IF r.indisprimary THEN
                EXECUTE format('ALTER TABLE %I ADD PRIMARY KEY (id, article_id)', t);
                CONTINUE;
            END IF;
            def := replace(r.def, format(' ON public.%s ', t || '_plain'), format(' ON public.%s ', t));
            def := regexp_replace(def, 'INDEX (\S+) ON', 'INDEX \1_part ON');
            IF r.indisunique AND NOT r.has_key THEN
                def := replace(def, 'CREATE UNIQUE INDEX', 'CREATE INDEX');
            END IF;
            EXECUTE def;
        END LOOP;
        EXECUTE format('DROP TABLE %I', t || '_plain');
    END LOOP;
END
$$;
SQL
psql -X -q -v ON_ERROR_STOP=1 "$PG_URL_BASE/$DST" -c "VACUUM ANALYZE"
psql -X -At "$PG_URL_BASE/$DST" -c "SELECT inhparent::regclass, count(*) FROM pg_inherits GROUP BY 1 ORDER BY 1"
