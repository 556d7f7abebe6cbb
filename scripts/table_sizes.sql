-- Rows and bytes per table (heap with TOAST) and per index, largest first:
-- psql -h 127.0.0.1 -U postgres -d DB -f scripts/table_sizes.sql
-- Row counts are exact (count(*)); run ANALYZE first for the planner's view to agree.
\pset footer off
SELECT c.relname AS "table",
       (xpath('/row/n/text()',
              query_to_xml(format('SELECT count(*) AS n FROM %I', c.relname), false, true, '')))[1]::text::bigint AS "rows",
       pg_table_size(c.oid) AS table_bytes,
       pg_indexes_size(c.oid) AS index_bytes,
       pg_size_pretty(pg_total_relation_size(c.oid)) AS total
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relname <> '__diesel_schema_migrations'
ORDER BY pg_total_relation_size(c.oid) DESC;

SELECT i.relname AS "index", t.relname AS "table", pg_relation_size(i.oid) AS bytes,
       pg_size_pretty(pg_relation_size(i.oid)) AS size
FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
JOIN pg_namespace n ON n.oid = t.relnamespace
WHERE n.nspname = 'public'
ORDER BY pg_relation_size(i.oid) DESC;

SELECT pg_size_pretty(pg_database_size(current_database())) AS database;
