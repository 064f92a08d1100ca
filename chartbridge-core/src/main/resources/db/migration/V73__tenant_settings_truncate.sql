-- Issue #17, mending V70_1: two changes of a tenant's settings that did not raise its version, so that a node's
-- copy taken before them was still proven current after them.
-- 1. TRUNCATE fires no row trigger. A manual TRUNCATE of release_control or webhook now raises the version of
--    every tenant that has one (and notifies each), in the TRUNCATE's transaction.
-- 2. An UPDATE that moves a row to another tenant raised only the new tenant's version; it now raises both.

CREATE OR REPLACE FUNCTION tenant_settings_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    changed text;
BEGIN
    FOREACH changed IN ARRAY CASE
            WHEN TG_OP = 'DELETE' THEN ARRAY[OLD.tenant_id]
            WHEN TG_OP = 'UPDATE' AND OLD.tenant_id IS DISTINCT FROM NEW.tenant_id
                THEN ARRAY[OLD.tenant_id, NEW.tenant_id]
            ELSE ARRAY[NEW.tenant_id] END LOOP
        INSERT INTO tenant_settings_version AS v (tenant_id, version) VALUES (changed, 1)
            ON CONFLICT (tenant_id) DO UPDATE SET version = v.version + 1;
        PERFORM pg_notify('chartbridge_tenant_settings', changed);
    END LOOP;
    RETURN NULL;
END;
$$;

CREATE FUNCTION tenant_settings_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    changed text;
BEGIN
    FOR changed IN UPDATE tenant_settings_version SET version = version + 1 RETURNING tenant_id LOOP
        PERFORM pg_notify('chartbridge_tenant_settings', changed);
    END LOOP;
    RETURN NULL;
END;
$$;

CREATE TRIGGER release_control_truncated AFTER TRUNCATE ON release_control
    FOR EACH STATEMENT EXECUTE FUNCTION tenant_settings_truncated();
CREATE TRIGGER webhook_truncated AFTER TRUNCATE ON webhook
    FOR EACH STATEMENT EXECUTE FUNCTION tenant_settings_truncated();
