-- `opaque` and `global_id` run on every global ID and cursor of every read statement.
-- Declared IMMUTABLE, they cannot be inlined, because their body calls `convert_to`,
-- which is only STABLE: PostgreSQL then runs each call through the SQL-function
-- executor, which cost more than half of the article page's time inside the database.
-- STABLE (true of the body; neither is used in an index or a generated column) lets the
-- planner inline them into plain expressions.
ALTER FUNCTION opaque(text) STABLE;
ALTER FUNCTION global_id(text, bigint) STABLE;
