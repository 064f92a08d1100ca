-- User assertions (X-User-Assertion JWTs) seen, by jti, until they expire (issue #15): a token is used once, on any
-- node. Rows past their expiry are deleted by the gateway; they can no longer verify anyway.
CREATE TABLE user_token_seen (
    tenant_id  text        NOT NULL,
    jti        text        NOT NULL,
    expires_at timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, jti)
);
CREATE INDEX user_token_seen_expiry ON user_token_seen (expires_at);
