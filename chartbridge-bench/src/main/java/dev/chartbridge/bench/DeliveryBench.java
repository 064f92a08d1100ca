package dev.chartbridge.bench;

import dev.chartbridge.app.Gateway;
import dev.chartbridge.simulators.fhir.FhirSimulator;

/**
 * Benchmark 2, delivery: events per second from accept to delivered against the generic FHIR simulator at 0 ms
 * latency, against HAPI's generic client doing the same creates at the same concurrency in the same run. The
 * gateway phase submits the events over HTTP (32 clients) while its delivery engine writes them; the figure is
 * events / (time of the last delivery - time of the first submit). Run without and with read-back verification.
 * Both sides spread the events round-robin over the same patients ({@link Bodies}); the warm-up gives every patient
 * one event first, so both have looked up each patient and visit before measuring.
 */
final class DeliveryBench {
    private DeliveryBench() {
    }

    static void run(BenchMain.Args args, Report report) throws Exception {
        int events = args.integer("events", 3000);
        int concurrency = args.integer("concurrency", 16);
        int clients = args.integer("clients", 32);
        // At least one warm-up event per patient, so neither phase measures first-time patient and visit lookups.
        int warm = args.integer("warmup-events", Math.max(300, Bodies.patients()));
        report.line("delivery: %d events per phase (after %d warm-up), target concurrency %d, %d HTTP clients",
                events, warm, concurrency, clients);
        try (FhirSimulator ehr = Node.simulator()) {
            report.line("");
            report.line("phase 1: raw HAPI generic client, %d threads, conditional creates", concurrency);
            RawFhirClient raw = new RawFhirClient(ehr.baseUrl(), concurrency, events + warm);
            Load.count(concurrency, warm, raw::createNext);
            report.load("before");
            long cpu0 = Machine.jvmCpuNanos();
            Load.Result base = Load.count(concurrency, events, raw::createNext);
            report.load("after");
            report.line("raw HAPI: %s", base.summary());
            report.line("raw HAPI JVM CPU per create (client + simulator): %.3f ms",
                    (Machine.jvmCpuNanos() - cpu0) / 1e6 / events);
            ehr.reset();

            double unverified = gateway(report, ehr, false, events, warm, concurrency, clients);
            ehr.reset();
            double verified = gateway(report, ehr, true, events, warm, concurrency, clients);

            report.line("");
            report.figure("raw HAPI creates/s", base.rate());
            report.figure("gateway events/s, verify=false", unverified);
            report.figure("gateway events/s, verify=true", verified);
            report.figure("ratio with verification", verified / base.rate());
            report.target("delivery ratio (verify=false)", unverified / base.rate(), 0.5, "", true);
        }
    }

    private static double gateway(Report report, FhirSimulator ehr, boolean verify, int events, int warm,
                                  int concurrency, int clients) throws Exception {
        report.line("");
        report.line("phase: gateway, verify=%s, accept (HTTP) to delivered", verify);
        try (Node node = Node.freshDatabase(4)) {
            Gateway gateway = node.gateway(ehr.baseUrl(), concurrency, verify, null, 10_000L);
            try {
                Api api = new Api(gateway.port());
                Load.count(clients, warm, () -> api.submit(Bodies.next()) == 202);
                if (Delivered.awaitTerminal(gateway.jdbc(), warm, 120_000) < 0) {
                    report.line("warm-up did not finish: %s", Delivered.byState(gateway.jdbc()));
                }
                java.sql.Timestamp since = Delivered.dbNow(gateway.jdbc());
                report.load("before");
                long cpu0 = Machine.jvmCpuNanos();
                long start = System.nanoTime();
                Load.Result in = Load.count(clients, events, () -> api.submit(Bodies.next()) == 202);
                long done = Delivered.awaitTerminal(gateway.jdbc(), warm + in.ok(), 600_000);
                report.load("after");
                double seconds = ((done < 0 ? System.nanoTime() : done) - start) / 1e9;
                report.line("intake during the phase: %s", in.summary());
                report.line("states: %s", Delivered.byState(gateway.jdbc()));
                Delivered.patientLines(report, gateway.jdbc());
                report.line("accept to final state: %s", Delivered.acceptToFinal(gateway.jdbc(), since));
                report.line("JVM CPU per event (HTTP clients + gateway + simulator): %.3f ms",
                        (Machine.jvmCpuNanos() - cpu0) / 1e6 / in.ok());
                double rate = in.ok() / seconds;
                report.line("%d events accepted and final in %.1f s = %.1f events/s%s", in.ok(), seconds, rate,
                        done < 0 ? " (TIMED OUT before all were final)" : "");
                return rate;
            } finally {
                gateway.close();
            }
        }
    }
}
