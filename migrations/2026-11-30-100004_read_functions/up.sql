-- Helpers for read statements that build the exact GraphQL response (see src/db/read):
-- opaque cursors and global IDs as the server encodes them (unpadded base64url), RFC 3339
-- timestamps as the server writes them, and titles in order of first use.

-- Unpadded base64url of a text (encode() breaks lines every 76 characters: removed).
CREATE FUNCTION opaque(raw text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    RETURN translate(rtrim(encode(convert_to(raw, 'UTF8'), 'base64'), '='), E'+/\n', '-_');

-- The global ID of a row: opaque('Type:id').
CREATE FUNCTION global_id(type_name text, id bigint) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    RETURN opaque(type_name || ':' || id);

-- A timestamp in UTC as RFC 3339 with the fraction of a second as short as it can be in
-- milliseconds or microseconds (what the server writes for DateTime).
CREATE FUNCTION rfc3339(t timestamptz) RETURNS text
    LANGUAGE sql STABLE PARALLEL SAFE STRICT
    RETURN to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS')
        || CASE
               WHEN extract(microseconds FROM t)::bigint % 1000000 = 0 THEN ''
               WHEN extract(microseconds FROM t)::bigint % 1000 = 0
                   THEN '.' || to_char(t AT TIME ZONE 'UTC', 'MS')
               ELSE '.' || to_char(t AT TIME ZONE 'UTC', 'US')
           END
        || '+00:00';

-- The values of an array without repeats, in order of first appearance, nulls dropped.
CREATE FUNCTION distinct_in_order(a text[]) RETURNS text[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    RETURN ARRAY(
        SELECT v FROM (SELECT v, min(i) AS first FROM unnest(a) WITH ORDINALITY AS u(v, i)
                       WHERE v IS NOT NULL GROUP BY v) d
        ORDER BY first);
