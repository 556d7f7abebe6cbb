DROP TRIGGER api_keys_notify_revoked ON api_keys;
DROP FUNCTION api_keys_notify_revoked();
