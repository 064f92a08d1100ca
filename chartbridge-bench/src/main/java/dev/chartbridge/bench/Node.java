package dev.chartbridge.bench;

import dev.chartbridge.app.Gateway;
import dev.chartbridge.app.config.GatewayConfig;
import dev.chartbridge.core.store.Database;
import dev.chartbridge.simulators.fhir.FhirSimulator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The real parts a benchmark runs against: an embedded PostgreSQL in a temporary directory, and gateway nodes
 * (the product's {@link Gateway}, configured as a user would) on it, with one tenant {@value #TENANT}, its API
 * key {@value #KEY} and one FHIR R4 connection {@value #TARGET}. A second tenant {@code other} has no key. The EHR
 * is the generic FHIR simulator with the patients the events are spread over ({@link #simulator()}).
 */
final class Node implements AutoCloseable {
    static final String TENANT = "bench";
    static final String TARGET = "ehr";
    static final String KEY = "cbk_benchkey_W3n7Qx1Vt5Kz9Bc2Ld6Hm0Rp4Yf8Gs";

    private final Path work;
    private final Database database;
    /** The gateway's {@code database.intakeTransactions}; null: its default. */
    private Integer intakeTransactions;

    private Node(Path work, Database database) {
        this.work = work;
        this.database = database;
    }

    /** The generic FHIR simulator, on a free port, seeded with the {@link Bodies#patients()} patients events use. */
    static FhirSimulator simulator() {
        return FhirSimulator.start(0, Bodies.patients());
    }

    /**
     * A fresh embedded PostgreSQL (migrated) in a new temporary directory, with {@code pg_stat_statements}
     * preloaded ({@link StatementStats}; it costs a little on every statement, in every phase alike).
     */
    static Node freshDatabase(int poolSize) {
        try {
            Path work = Files.createTempDirectory("chartbridge-bench");
            return new Node(work, Database.embedded(work.resolve("postgres"), work, 0, poolSize,
                    StatementStats.SERVER_SETTINGS));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Database database() {
        return database;
    }

    /** A pool on this database as its owner (the benchmark's own tables need the right to create tables). */
    Database asOwner(int poolSize) {
        Database.Credentials owner = database.owner().orElseThrow();
        return Database.connect(database.jdbcUrl(), owner.user(), owner.password(), poolSize);
    }

    /** The directory of the master key and the embedded database's passwords. */
    Path keysDir() {
        return work;
    }

    Path dataDir() {
        return work.resolve("postgres");
    }

    /** A line for the report: the PostgreSQL server's pid and the CPUs it may run on. */
    String describePostgres() {
        long pid = Machine.postmasterOf(dataDir());
        return "PostgreSQL: postmaster pid " + pid + ", allowed CPUs " + Pinning.allowedList(pid)
                + ", pg_stat_statements preloaded";
    }

    /** A gateway node on this database. */
    Gateway gateway(String ehrUrl, int concurrency, boolean verify, Integer poolSize, long readTimeoutMs) {
        return Gateway.start(config(ehrUrl, concurrency, verify, poolSize, readTimeoutMs));
    }

    /** Sets {@code database.intakeTransactions} of the gateways this node starts from now on (null: the default). */
    Node intakeTransactions(Integer n) {
        this.intakeTransactions = n;
        return this;
    }

    GatewayConfig config(String ehrUrl, int concurrency, boolean verify, Integer poolSize, long readTimeoutMs) {
        try {
            Path keyFile = work.resolve("api-key");
            Files.writeString(keyFile, KEY);
            return new GatewayConfig(
                    // The gateway's two roles on the embedded server, as a node started from a YAML file has them.
                    new GatewayConfig.DatabaseConfig(database.jdbcUrl(), database.user(), null,
                            work.resolve("postgres-gateway.password").toString(), "postgres", null,
                            work.resolve("postgres-owner.password").toString(), null, null, poolSize,
                            intakeTransactions),
                    new GatewayConfig.HttpConfig("127.0.0.1", 0, null, null),
                    new GatewayConfig.DeliveryConfig(null, 200L, 2000L, null, 200L, verify), "bench",
                    new GatewayConfig.SecurityConfig(null, work.resolve("master.key").toString()),
                    List.of(new GatewayConfig.TenantConfig(TENANT, "Bench Clinic",
                                    List.of(new GatewayConfig.ApiKeyConfig("bench", null, keyFile.toString())),
                                    List.of(GatewayConfig.ConnectionConfig.fhir(TARGET, ehrUrl, concurrency,
                                            readTimeoutMs))),
                            new GatewayConfig.TenantConfig("other", "Other Health", List.of(), List.of())));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        database.close();
        try (Stream<Path> paths = Files.walk(work)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temporary directory left behind is harmless
        }
    }
}
