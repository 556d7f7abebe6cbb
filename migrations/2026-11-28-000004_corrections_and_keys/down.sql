DROP TABLE corrections;
DROP TABLE api_keys;
