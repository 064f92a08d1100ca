package dev.chartbridge.core.delivery;

import java.util.UUID;

/** A lease on one operation: whoever holds the token may move it; a finished or expired lease fences late writers out. */
record Claim(UUID operationId, UUID leaseToken) {
}
