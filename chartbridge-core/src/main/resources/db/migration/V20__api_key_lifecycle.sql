-- API keys with a lifecycle (issue #15): roles, a non-secret prefix, expiry, and where a key came from, so that a
-- key removed from the configuration can be revoked at start while keys created through the admin API are kept.
ALTER TABLE api_key ADD COLUMN prefix text;
ALTER TABLE api_key ADD COLUMN roles text[] NOT NULL DEFAULT '{app}';
ALTER TABLE api_key ADD COLUMN expires_at timestamptz;
ALTER TABLE api_key ADD COLUMN origin text NOT NULL DEFAULT 'config' CHECK (origin IN ('config', 'api'));
ALTER TABLE api_key ADD COLUMN created_by text;
ALTER TABLE api_key ADD COLUMN rotated_from uuid REFERENCES api_key (id);
-- An administrator's key could do everything before roles existed; it keeps that.
UPDATE api_key SET roles = '{app,reviewer,admin}' WHERE admin;
ALTER TABLE api_key ADD CONSTRAINT api_key_roles_known CHECK (roles <@ ARRAY['app', 'reviewer', 'admin']::text[]
    AND cardinality(roles) > 0);
CREATE INDEX api_key_tenant ON api_key (tenant_id, created_at);
