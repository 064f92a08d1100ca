package dev.chartbridge.app;

import dev.chartbridge.app.cli.ExitCodes;
import dev.chartbridge.app.config.GatewayConfig;
import dev.chartbridge.app.config.Secrets;
import dev.chartbridge.core.adapter.CheckReport;
import dev.chartbridge.core.adapter.Target;
import dev.chartbridge.core.secret.SecretVault;
import dev.chartbridge.core.store.Database;
import dev.chartbridge.core.store.Jdbc;
import dev.chartbridge.ehr.AdapterEnvironment;
import dev.chartbridge.ehr.auth.SigningKey;

import java.io.PrintStream;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * {@code chartbridge check}: the live check of the configured EHR connections from a shell, without starting a
 * node. It opens the gateway's database (its vault holds the connections' secrets and the signing key SMART vendors
 * know), builds each connection's adapter as a node would and prints each one's report, a line per item. A SMART
 * vendor that fetches the gateway's JWKS ({@code jku}) reaches the running node at {@code http.publicUrl} (or
 * {@code http://127.0.0.1:<port>}). Never writes to an EHR. Not thread-safe; one run per call.
 */
public final class LiveChecks {
    private LiveChecks() {
    }

    /**
     * Checks the connections of {@code config} (only {@code tenant}'s, only {@code connection}, when given) and
     * prints the reports to {@code out}.
     *
     * @return {@link ExitCodes}: 0 when nothing failed (warnings are printed), 1 when any item failed, 2 when the
     *         check could not run (nothing matched)
     */
    public static int run(GatewayConfig config, String tenant, String connection, PrintStream out) {
        try (Database database = Gateway.openDatabase(config.database(), config.security())) {
            SecretVault vault = new SecretVault(new Jdbc(database.dataSource()), Secrets.masterKey(config.security()));
            GatewayConfig.HttpConfig http = Optional.ofNullable(config.http())
                    .orElse(new GatewayConfig.HttpConfig(null, null, null, null));
            String publicUrl = http.publicUrl() != null ? http.publicUrl()
                    : "http://127.0.0.1:" + (http.port() == null ? 8080 : http.port());
            URI jwks = URI.create(publicUrl + dev.chartbridge.app.http.HttpApi.JWKS_PATH);
            AdapterEnvironment env = new AdapterEnvironment(SigningKey.loadOrCreate(vault), () -> jwks,
                    Clock.systemUTC());
            List<Target> targets = Gateway.targets(config, vault, env).stream()
                    .filter(t -> tenant == null || t.tenantId().equals(tenant))
                    .filter(t -> connection == null || t.name().equals(connection)).toList();
            if (targets.isEmpty()) {
                out.println("FAIL  no connection matches" + (tenant == null ? "" : " tenant " + tenant)
                        + (connection == null ? "" : " connection " + connection));
                return ExitCodes.COULD_NOT_RUN;
            }
            int exit = ExitCodes.OK;
            for (Target t : targets) {
                CheckReport report = dev.chartbridge.app.http.ConnectionCheckRoutes.inspect(t);
                out.println(t.queue() + " (" + t.adapter().vendor() + "): " + report.verdict());
                for (CheckReport.Item item : report.items()) {
                    out.printf("  %-4s  %-20s %s%n", item.verdict(), item.name(), item.detail());
                }
                if (report.verdict() == CheckReport.Verdict.FAIL) {
                    exit = ExitCodes.FAILED_CHECK;
                }
            }
            return exit;
        }
    }
}
