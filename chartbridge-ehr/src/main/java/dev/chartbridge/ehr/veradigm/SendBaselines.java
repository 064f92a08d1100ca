package dev.chartbridge.ehr.veradigm;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * For each recent save, the records that already held the same content just before it was sent. Unity lists
 * problems, allergies and medications by day only, so a lost save cannot be told from an identical write of the
 * same day by its content: reconciliation counts only records that were not there before the send. Kept in
 * memory for the last {@value #CAPACITY} saves of this node; a write whose baseline is not here (another node, a
 * restart) is never "found" on content alone, it goes to review. Thread-safe.
 */
// evidence: veradigm.behaviour.no-idempotency, veradigm.read.displaydate
final class SendBaselines {
    static final int CAPACITY = 10_000;

    private final Map<UUID, Set<String>> baselines = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<UUID, Set<String>> eldest) {
            return size() > CAPACITY;
        }
    };

    /** Records the ids holding the write's content before its send, or forgets them (null: not known). */
    synchronized void before(UUID operationId, Set<String> matching) {
        if (matching == null) {
            baselines.remove(operationId);
        } else {
            baselines.put(operationId, Set.copyOf(matching));
        }
    }

    /** The ids that held the content before the last send of this operation, or null when not known here. */
    synchronized Set<String> of(UUID operationId) {
        return baselines.get(operationId);
    }
}
