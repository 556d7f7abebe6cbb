CREATE OR REPLACE FUNCTION immutable_unaccent(text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    RETURN public.unaccent('public.unaccent'::regdictionary, $1);
CREATE OR REPLACE FUNCTION paragraphs_text(text[]) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    RETURN array_to_string($1, E'\n\n');
ALTER TABLE raw_documents ALTER COLUMN content SET COMPRESSION pglz;
ALTER TABLE articles ALTER COLUMN paragraphs SET COMPRESSION pglz;
