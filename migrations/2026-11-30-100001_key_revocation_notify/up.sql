-- Every revocation, by the API, the command line or by hand, tells the servers at once,
-- so that websockets opened with the key are closed and no operation runs with it.
CREATE FUNCTION api_keys_notify_revoked() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('api_key_revoked', NEW.id::text);
    RETURN NEW;
END
$$;
CREATE TRIGGER api_keys_notify_revoked
    AFTER UPDATE OF revoked_at ON api_keys
    FOR EACH ROW WHEN (OLD.revoked_at IS NULL AND NEW.revoked_at IS NOT NULL)
    EXECUTE FUNCTION api_keys_notify_revoked();
