-- The search vectors of articles and quotes stop being generated columns and become
-- columns a writer may fill, so that a bulk load can compute them on a second connection
-- while its writer stores the batch before (`to_tsvector` was a third of the writer's
-- time). Whoever does not fill them gets them from the triggers below, computed by the
-- very functions the bulk path calls, so every row holds what the generated column held.
ALTER TABLE articles ALTER COLUMN search DROP EXPRESSION;
ALTER TABLE quotes ALTER COLUMN search DROP EXPRESSION;

-- Title above body in relevance. `body` is the paragraphs joined by a blank line
-- (`paragraphs_text()`).
CREATE FUNCTION article_search_vector(title text, body text) RETURNS tsvector
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    RETURN setweight(to_tsvector('english'::regconfig, title), 'A')
        || setweight(to_tsvector('english'::regconfig, body), 'B');
CREATE FUNCTION quote_search_vector(text text) RETURNS tsvector
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    RETURN to_tsvector('english'::regconfig, text);

-- A new row without a vector gets one; a changed text always gets a new one.
CREATE FUNCTION articles_fill_search() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' AND NEW.search IS NOT NULL THEN
        RETURN NEW;
    END IF;
    IF TG_OP = 'INSERT' OR NEW.title IS DISTINCT FROM OLD.title
            OR NEW.paragraphs IS DISTINCT FROM OLD.paragraphs OR NEW.search IS NULL THEN
        NEW.search := public.article_search_vector(NEW.title, public.paragraphs_text(NEW.paragraphs));
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER articles_fill_search BEFORE INSERT OR UPDATE ON articles
    FOR EACH ROW EXECUTE FUNCTION articles_fill_search();

CREATE FUNCTION quotes_fill_search() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' AND NEW.search IS NOT NULL THEN
        RETURN NEW;
    END IF;
    IF TG_OP = 'INSERT' OR NEW.text IS DISTINCT FROM OLD.text OR NEW.search IS NULL THEN
        NEW.search := public.quote_search_vector(NEW.text);
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER quotes_fill_search BEFORE INSERT OR UPDATE ON quotes
    FOR EACH ROW EXECUTE FUNCTION quotes_fill_search();
