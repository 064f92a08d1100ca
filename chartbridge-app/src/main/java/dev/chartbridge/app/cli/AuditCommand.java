package dev.chartbridge.app.cli;

import dev.chartbridge.core.audit.AuditSealer;
import dev.chartbridge.core.audit.AuditVerifier;
import dev.chartbridge.core.store.Database;
import dev.chartbridge.core.store.Jdbc;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code audit verify}: recomputes every tenant's hash chain and names the first broken entries (exit 1); a database
 * it cannot open is exit 2. {@code audit export}: the trail as FHIR NDJSON.
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

        /**
         * Opens the database; a failure is a {@link dev.chartbridge.core.ChartBridgeException} that says what to do
         * (exit code 2, never the 1 of a broken chain).
         */
        Database open() {
            if (url != null) {
                return Database.connect(url, user, System.getenv("CHARTBRIDGE_DB_PASSWORD"), 2);
            }
            try {
                return Database.embedded(dataDir, 0, 2);
            } catch (RuntimeException e) {
                // The embedded server cannot be opened twice: the usual cause is a gateway running on it.
                throw new dev.chartbridge.core.ChartBridgeException("could not open the embedded database in "
                        + dataDir + " (" + CouldNotRun.describe(e) + "); if a gateway is running on it, stop it first,"
                        + " or give --db-url of the running database", e);
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
        @Override
        public Integer call() {
            try (Database db = open()) {
                Jdbc jdbc = new Jdbc(db.dataSource());
                new AuditSealer(jdbc, 1000).sealAll();
                AuditVerifier.Report report = new AuditVerifier(jdbc).verify();
                report.breaks().forEach(b -> System.out.printf("BROKEN tenant=%s seq=%d entry=%s: %s%n",
                        b.tenantId(), b.seq(), b.entryId(), b.problem()));
                System.out.printf("%d entries checked, %d breaks%n", report.entriesChecked(), report.breaks().size());
                return report.intact() ? ExitCodes.OK : ExitCodes.FAILED_CHECK;
            }
        }
    }
}
