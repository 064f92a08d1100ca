package dev.chartbridge.app.cli;

import dev.chartbridge.core.audit.AuditSealer;
import dev.chartbridge.core.audit.AuditVerifier;
import dev.chartbridge.core.store.Database;
import dev.chartbridge.core.store.Jdbc;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code audit verify}: recomputes every tenant's hash chain and names the first broken entries. */
@Command(name = "audit", description = "Audit chain tools.", subcommands = AuditCommand.Verify.class)
final class AuditCommand implements Runnable {
    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    @Command(name = "verify", description = "Verify the audit chains; exit 1 when any is broken.")
    static final class Verify implements Callable<Integer> {
        @Option(names = "--db-url", description = "JDBC URL of the gateway database (default: the embedded one)")
        String url;

        @Option(names = "--db-user", defaultValue = "postgres")
        String user;

        @Option(names = "--data-dir", defaultValue = "data/postgres", description = "embedded database directory")
        Path dataDir;

        @Override
        public Integer call() {
            try (Database db = url != null ? Database.connect(url, user, System.getenv("CHARTBRIDGE_DB_PASSWORD"), 2)
                    : Database.embedded(dataDir, 0, 2)) {
                Jdbc jdbc = new Jdbc(db.dataSource());
                new AuditSealer(jdbc, 1000).sealAll();
                AuditVerifier.Report report = new AuditVerifier(jdbc).verify();
                report.breaks().forEach(b -> System.out.printf("BROKEN tenant=%s seq=%d entry=%s: %s%n",
                        b.tenantId(), b.seq(), b.entryId(), b.problem()));
                System.out.printf("%d entries checked, %d breaks%n", report.entriesChecked(), report.breaks().size());
                return report.intact() ? 0 : 1;
            }
        }
    }
}
