-- Issue #17: intake keeps each tenant's release controls and active webhooks in memory (TenantSettingsCache). A
-- version per tenant, raised in the transaction of every change to either table, lets intake prove in its own
-- insert statement that what it decided with is what the database holds (a stale cache refuses nothing and lets
-- nothing through: the insert writes nothing, and intake reloads and decides again). The NOTIFY, delivered at
-- commit to every node LISTENing, drops the tenant's cached entry promptly so that a stale entry is rarely met.
-- A trigger, not the Java writers, so that no path (configuration seed, API, a manual fix in SQL) can forget it.
CREATE TABLE tenant_settings_version (
    tenant_id  text   PRIMARY KEY,
    version    bigint NOT NULL
);

CREATE FUNCTION tenant_settings_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    changed text := CASE WHEN TG_OP = 'DELETE' THEN OLD.tenant_id ELSE NEW.tenant_id END;
BEGIN
    INSERT INTO tenant_settings_version AS v (tenant_id, version) VALUES (changed, 1)
        ON CONFLICT (tenant_id) DO UPDATE SET version = v.version + 1;
    PERFORM pg_notify('chartbridge_tenant_settings', changed);
    RETURN NULL;
END;
$$;

CREATE TRIGGER release_control_changed AFTER INSERT OR UPDATE OR DELETE ON release_control
    FOR EACH ROW EXECUTE FUNCTION tenant_settings_changed();
CREATE TRIGGER webhook_changed AFTER INSERT OR UPDATE OR DELETE ON webhook
    FOR EACH ROW EXECUTE FUNCTION tenant_settings_changed();
