-- Cheaper article writes, measured with `archive seed --articles 20000` into an empty
-- database (README, Bulk load): together about 5% less time (47.2 s to 44.8 s,
-- medians of three runs interleaved).
--
-- The large texts (an article's paragraphs, a raw capture) are TOASTed with lz4 instead
-- of pglz: several times faster to compress, at about the same size for prose. New rows
-- only; PostgreSQL's Debian, RPM and Docker builds all include lz4.
ALTER TABLE articles ALTER COLUMN paragraphs SET COMPRESSION lz4;
ALTER TABLE raw_documents ALTER COLUMN content SET COMPRESSION lz4;

-- `paragraphs_text()` (the articles' generated search vector) and `immutable_unaccent()`
-- (inside `name_key()`: every alias key and name index) are IMMUTABLE wrappers around
-- STABLE functions, so PostgreSQL never inlines them; as SQL functions, each call went
-- through the SQL-function executor (a plan and an executor run per call, 8% of a bulk
-- load's database time). PL/pgSQL evaluates the same expression through its cached
-- simple-expression path. The results are identical, so the indexes built on them stay
-- valid. Names are schema-qualified: PL/pgSQL bodies resolve them when called (pg_restore
-- runs with an empty search_path).
CREATE OR REPLACE FUNCTION paragraphs_text(text[]) RETURNS text
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE STRICT
    AS $$ BEGIN RETURN pg_catalog.array_to_string($1, E'\n\n'); END $$;
CREATE OR REPLACE FUNCTION immutable_unaccent(text) RETURNS text
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE STRICT
    AS $$ BEGIN RETURN public.unaccent('public.unaccent'::regdictionary, $1); END $$;
