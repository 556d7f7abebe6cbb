DROP FUNCTION paragraphs_text(text[]);
DROP FUNCTION name_key(text);
DROP FUNCTION immutable_unaccent(text);
DROP EXTENSION IF EXISTS btree_gin;
DROP EXTENSION IF EXISTS unaccent;
DROP EXTENSION IF EXISTS pg_trgm;
