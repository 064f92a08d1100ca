package dev.chartbridge.app;

import dev.chartbridge.core.audit.AuditCheckpoints;
import dev.chartbridge.core.audit.AuditSealer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's background work on the audit trail: sealing pending entries into the keyed chains, and writing signed
 * checkpoints of the chain heads outside the database (issue #15). Each step logs a failure and is retried at its
 * next turn, so a database or disk hiccup never stops the node. Thread-safe.
 */
final class AuditTrailAnchor {
    private static final Logger LOG = LoggerFactory.getLogger(AuditTrailAnchor.class);

    private final AuditSealer sealer;
    private final AuditCheckpoints checkpoints;

    AuditTrailAnchor(AuditSealer sealer, AuditCheckpoints checkpoints) {
        this.sealer = sealer;
        this.checkpoints = checkpoints;
    }

    void seal() {
        try {
            sealer.sealAll();
        } catch (RuntimeException e) {
            LOG.error("sealing the audit chain failed ({}); will retry", e.getClass().getSimpleName());
        }
    }

    void checkpoint() {
        try {
            checkpoints.write();
        } catch (RuntimeException e) {
            LOG.error("writing an audit checkpoint failed ({}: {}); will retry", e.getClass().getSimpleName(),
                    e.getMessage());
        }
    }
}
