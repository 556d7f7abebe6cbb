DROP FUNCTION distinct_in_order(text[]);
DROP FUNCTION rfc3339(timestamptz);
DROP FUNCTION global_id(text, bigint);
DROP FUNCTION opaque(text);
