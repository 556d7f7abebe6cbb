ALTER FUNCTION global_id(text, bigint) IMMUTABLE;
ALTER FUNCTION opaque(text) IMMUTABLE;
