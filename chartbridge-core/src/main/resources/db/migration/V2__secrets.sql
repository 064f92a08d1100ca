-- Credentials the gateway holds (its signing key, vendor client secrets), encrypted with AES-256-GCM under a
-- master key that never enters the database.
CREATE TABLE secret (
    name        text PRIMARY KEY,
    nonce       bytea       NOT NULL,
    ciphertext  bytea       NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now()
);
