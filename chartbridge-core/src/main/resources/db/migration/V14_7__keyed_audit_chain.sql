-- Issue #15, item 6: an audit trail a database writer cannot rewrite unseen.
-- Each entry carries a MAC made by the gateway with a key kept outside the database (derived from the master
-- key): a row inserted by anyone without the key is named by `audit verify`. The nonce inside the MAC makes every
-- genuine entry's MAC unique, so a copied (replayed) row is refused here already.
ALTER TABLE audit_entry ADD COLUMN mac text;
CREATE UNIQUE INDEX audit_entry_mac ON audit_entry (mac);

-- Entries up to keyed_from were written before keyed chains (no MAC, seals hashed without a key) and are verified
-- as before; every later entry must carry a MAC and every seal of a later entry must be keyed. The gateway's
-- runtime role may only read this row (see DatabaseRoles).
CREATE TABLE audit_chain_epoch (
    keyed_from bigint NOT NULL
);
INSERT INTO audit_chain_epoch (keyed_from) SELECT coalesce(max(id), 0) FROM audit_entry;

-- Issue #15, item 5: reads of PHI are audit entries too (actions phi.read, phi.query). An event's timeline leaves
-- them out, through this index, so an event polled a thousand times does not make its status read a thousand rows.
CREATE INDEX audit_entry_event_timeline ON audit_entry (event_id, id) WHERE action NOT LIKE 'phi.%';
