package dev.chartbridge.app.cli;

import dev.chartbridge.app.config.GatewayConfig;
import dev.chartbridge.app.config.Secrets;
import dev.chartbridge.core.ChartBridgeException;
import dev.chartbridge.core.audit.AuditCheckpoint;
import dev.chartbridge.core.audit.AuditCheckpoints;
import dev.chartbridge.core.audit.AuditKeys;
import dev.chartbridge.core.audit.AuditLog;
import dev.chartbridge.core.audit.AuditSealer;
import dev.chartbridge.core.audit.AuditVerifier;
import dev.chartbridge.core.store.Database;
import dev.chartbridge.core.store.Jdbc;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code audit verify}: recomputes every tenant's keyed chain and names every break, and with
 * {@code --checkpoints DIR} also what was cut, deleted or recomputed since a checkpoint; {@code audit export}.
 */
@Command(name = "audit", description = "Audit chain tools.",
        subcommands = {AuditCommand.Verify.class, AuditCommand.Export.class})
final class AuditCommand implements Runnable {
    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    /** Which database to open: a JDBC URL, or the embedded one's data directory. */
    static class DatabaseOptions {
        @Option(names = "--db-url", description = "JDBC URL of the gateway database (default: the embedded one)")
        String url;

        @Option(names = "--db-user", defaultValue = "postgres")
        String user;

        @Option(names = "--data-dir", defaultValue = "data/postgres", description = "embedded database directory")
        Path dataDir;

        @Option(names = "--master-key-file", description = "the master key (default: keys/master.key, or the"
                + " CHARTBRIDGE_MASTER_KEY variable)")
        String masterKeyFile;

        @Option(names = "--keys-dir", description = "the embedded database's passwords (default: the master key's"
                + " directory)")
        String keysDir;

        GatewayConfig.SecurityConfig security() {
            return new GatewayConfig.SecurityConfig("CHARTBRIDGE_MASTER_KEY", masterKeyFile, keysDir, null, null);
        }

        /**
         * Opens the database; audit entries this command appends (a review retry) are signed with the master key's
         * audit key, as the gateway's are, so that {@code audit verify} does not take them for forged inserts.
         */
        Database open() {
            Database db = url != null ? Database.connect(url, user, System.getenv("CHARTBRIDGE_DB_PASSWORD"), 2)
                    : embedded();
            try {
                AuditLog.signEntries(db.jdbcUrl(), AuditKeys.derive(Secrets.existingMasterKey(security())));
            } catch (ChartBridgeException noKey) {
                System.err.println("warning: " + noKey.getMessage() + "; audit entries this command writes are not"
                        + " signed and audit verify will name them");
            }
            return db;
        }

        /** The embedded server cannot be opened twice: the usual cause of a failure is a gateway running on it (exit 2). */
        private Database embedded() {
            try {
                return Database.embedded(dataDir, Secrets.keysDirectory(security()), 0, 2);
            } catch (RuntimeException e) {
                throw new ChartBridgeException("could not open the embedded database in " + dataDir + " ("
                        + CouldNotRun.describe(e) + "); if a gateway is running on it, stop it first, or give"
                        + " --db-url of the running database", e);
            }
        }
    }

    @Command(name = "export", description = "Write FHIR R4 AuditEvent and Provenance as NDJSON.")
    static final class Export extends DatabaseOptions implements Callable<Integer> {
        @Option(names = "--tenant", required = true)
        String tenant;

        @Option(names = "--patient", description = "system|value of a patient identifier")
        String patient;

        @Option(names = "--from", description = "inclusive, e.g. 2026-11-01T00:00:00Z")
        java.time.Instant from;

        @Option(names = "--to", description = "exclusive")
        java.time.Instant to;

        @Option(names = "--out", description = "file (default: standard output)")
        Path out;

        /** Page by page (the API's pages, at most 1,000 entries in memory at a time), each written as read. */
        @Override
        public Integer call() throws java.io.IOException {
            try (Database db = open()) {
                var queries = new dev.chartbridge.core.audit.AuditQueries(new Jdbc(db.dataSource()));
                var who = AuditExportRequest.patient(patient);
                long entries = 0;
                long resources = 0;
                try (java.io.Writer w = out == null ? new java.io.PrintWriter(System.out)
                        : java.nio.file.Files.newBufferedWriter(out)) {
                    Long cursor = null;
                    do {
                        var page = queries.page(tenant, who, from, to, cursor, 1_000);
                        resources += dev.chartbridge.app.audit.FhirAuditExport.writeNdjson(page.rows(), w);
                        entries += page.rows().size();
                        cursor = page.next();
                    } while (cursor != null);
                }
                System.err.println(resources + " resources from " + entries + " audit entries");
                return 0;
            }
        }
    }

    @Command(name = "verify", description = "Verify the audit chains; exit 1 when any is broken, 2 when the database"
            + " could not be opened.")
    static final class Verify extends DatabaseOptions implements Callable<Integer> {
        @Option(names = "--checkpoints", description = "directory of the signed checkpoints (audit-checkpoints.jsonl)"
                + " to check the chains against: finds cut tails, deleted and recomputed chains")
        Path checkpoints;

        @Override
        public Integer call() {
            try (Database db = open()) { // first: a database held by a running gateway is the usual exit 2
                AuditKeys keys = AuditKeys.derive(Secrets.existingMasterKey(security()));
                List<AuditCheckpoint> anchors = checkpoints == null ? List.of()
                        : AuditCheckpoints.read(checkpoints, keys);
                Jdbc jdbc = new Jdbc(db.dataSource());
                new AuditSealer(jdbc, 1000, keys).sealAll();
                AuditVerifier.Report report = new AuditVerifier(jdbc, keys).verify(anchors);
                report.breaks().forEach(b -> System.out.printf("BROKEN tenant=%s seq=%d entry=%s: %s%n",
                        b.tenantId(), b.seq(), b.entryId(), b.problem()));
                System.out.printf("%d entries checked against %d checkpoints, %d breaks%n", report.entriesChecked(),
                        anchors.size(), report.breaks().size());
                return report.intact() ? ExitCodes.OK : ExitCodes.FAILED_CHECK;
            }
        }
    }
}
