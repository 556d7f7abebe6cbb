-- Name lookup is case- and accent-insensitive and fuzzy (trigram); filters combine
-- scalar columns with full-text vectors in one GIN index (btree_gin).
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE EXTENSION IF NOT EXISTS btree_gin;

-- unaccent() is only STABLE (it reads a dictionary), so index expressions need an
-- IMMUTABLE wrapper that names the dictionary explicitly.
CREATE FUNCTION immutable_unaccent(text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    RETURN public.unaccent('public.unaccent'::regdictionary, $1);

-- The key every name, alias and outlet is looked up by: unaccented, lower case,
-- single spaces, no surrounding punctuation.
CREATE FUNCTION name_key(text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    RETURN btrim(lower(regexp_replace(immutable_unaccent($1), '\s+', ' ', 'g')), ' .,;:''"');

-- array_to_string() is STABLE in general; for text[] it is immutable in fact.
CREATE FUNCTION paragraphs_text(text[]) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    RETURN array_to_string($1, E'\n\n');
