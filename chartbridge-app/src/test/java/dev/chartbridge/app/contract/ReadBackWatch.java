package dev.chartbridge.app.contract;

import dev.chartbridge.app.ApiClient;
import dev.chartbridge.app.Gateway;
import dev.chartbridge.app.config.GatewayConfig;
import dev.chartbridge.core.testing.PostgresExtension;
import dev.chartbridge.ehr.profile.VendorProfiles;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * What the contract's read-back check runs on: a tenant of its own on the contract's connection (written through
 * the contract's node, which re-reads nothing), and a second gateway node, started when the check has changed
 * the records in the EHR, that watches that tenant alone with a fast interval. Keeping the watched records apart
 * keeps the other contract tests' writes out of the read budget; starting the watcher late makes every change
 * one its first re-read must find. Reads the watch ledger from the database.
 */
final class ReadBackWatch {
    static final String TENANT = "watch";
    static final String KEY = "cbk_contract_watch_0123456789abcdef";
    private static final String QUEUE = TENANT + "/" + AdapterContract.TARGET;
    /** Re-reads a minute the watch node is configured with; the vendor's documented rate may lower it. */
    private static final int READS_PER_MINUTE = 120;
    /** The share of a vendor's documented calls a minute that re-reads may take (docs/architecture.md). */
    private static final int RATE_SHARE_DIVISOR = 4;

    private final GatewayConfig contract;
    private final Gateway contractNode;
    private final GatewayConfig.ConnectionConfig connection;
    private final PostgresExtension pg;

    ReadBackWatch(GatewayConfig contract, Gateway contractNode, GatewayConfig.ConnectionConfig connection,
                  PostgresExtension pg) {
        this.contract = contract;
        this.contractNode = contractNode;
        this.connection = connection;
        this.pg = pg;
    }

    /** The watched tenant's client of the contract's node, which delivers its writes. */
    ApiClient client() {
        return new ApiClient(contractNode.port(), KEY);
    }

    /**
     * Starts the watch node: the watched tenant only, re-read 300 ms after the last read, polled every 50 ms. It
     * publishes the contract node's JWKS URL (same database and master key, so the same signing key), which is
     * what a SMART EHR has registered for the client.
     */
    Node start() {
        GatewayConfig.TenantConfig watched = contract.tenants().stream().filter(t -> t.id().equals(TENANT))
                .findFirst().orElseThrow();
        GatewayConfig config = new GatewayConfig(contract.database(), new GatewayConfig.HttpConfig("127.0.0.1", 0,
                null, "http://127.0.0.1:" + contractNode.port()), contract.delivery(), "contract-watch",
                contract.security(), List.of(watched))
                .with(null, new GatewayConfig.ReadBackConfig(true, 300L, READS_PER_MINUTE, 50L));
        Instant started = Instant.now();
        return new Node(Gateway.start(config), started);
    }

    /**
     * Re-reads a minute the watch node may make of this vendor: the configured number, but no more than a quarter
     * of the calls a minute the vendor documents.
     */
    double readsPerMinute() {
        Integer documented = VendorProfiles.of(connection.vendor()).rateLimit().callsPerMinute();
        return documented == null ? READS_PER_MINUTE
                : Math.min(READS_PER_MINUTE, Math.max(1, documented / RATE_SHARE_DIVISOR));
    }

    /** How many re-reads of the watched tenant's records have been made. */
    long reads() {
        return pg.count("SELECT coalesce(sum(reads), 0) FROM readback_watch WHERE queue = '" + QUEUE + "'");
    }

    /** The changes the ledger holds for the operation, oldest first. */
    List<String> changes(String operationId) {
        UUID id = UUID.fromString(operationId);
        return pg.jdbc().read(c -> {
            try (var ps = c.prepareStatement("SELECT change FROM remote_change WHERE operation_id = ? ORDER BY id")) {
                ps.setObject(1, id);
                try (var rs = ps.executeQuery()) {
                    List<String> out = new java.util.ArrayList<>();
                    while (rs.next()) {
                        out.add(rs.getString(1));
                    }
                    return out;
                }
            }
        });
    }

    /** The running watch node; closing it stops it. */
    static final class Node implements AutoCloseable {
        private final Gateway gateway;
        private final Instant started;

        private Node(Gateway gateway, Instant started) {
            this.gateway = gateway;
            this.started = started;
        }

        /** The name its audit entries carry. */
        String actor() {
            return "node:contract-watch";
        }

        /** Time since just before it started: its read budget cannot have filled for longer. */
        Duration running() {
            return Duration.between(started, Instant.now());
        }

        @Override
        public void close() {
            gateway.close();
        }
    }
}
