package dev.chartbridge.core.audit;

import java.time.Instant;

/**
 * One signed statement, written outside the database, of a tenant's chain head: its sequence number and hash at
 * a time. {@code signatureValid} is false when the line was read back and its signature did not verify under the
 * checkpoint key (or the line could not be read; then the other fields may be null).
 *
 * @param line the line of the checkpoint file it was read from (1-based), 0 for one not read from a file
 */
public record AuditCheckpoint(String tenantId, long seq, String hash, Instant at, boolean signatureValid, int line) {
}
