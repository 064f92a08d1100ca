package dev.chartbridge.bench;

import dev.chartbridge.core.store.Database;

/**
 * The two baselines the cost of a delivered write is held against, measured in the same run as the gateway's
 * drain (absolute CPU times on a shared machine vary 2-4 times from day to day; ratios within a run do not):
 * <ul>
 *   <li>the raw HAPI generic client ({@link RawFhirClient}) creating against the same EHR process: this JVM's
 *   CPU per create is the client's alone, since the EHR runs in its own process;</li>
 *   <li>one raw single-row insert transaction ({@link RawWrites#insertOneRow}): PostgreSQL's CPU per transaction.</li>
 * </ul>
 * Each runs a warm-up first (every patient and visit looked up, the JIT warm), then the measured calls, at the
 * gateway's target concurrency.
 */
final class CostBaselines {
    /** CPU per call of the two baselines, ms. */
    record Result(double hapiJvmMs, double hapiEhrMs, double insertPgMs, double insertJvmMs) {
    }

    private CostBaselines() {
    }

    static Result measure(Report report, Node node, Database owner, Ehr ehr, StatementStats statements,
                          int concurrency, int creates, int inserts) throws Exception {
        int warm = Math.max(2000, Bodies.patients());
        report.line("");
        report.line("baseline 1: raw HAPI generic client, %d threads, %d conditional creates against the same EHR"
                + " (after %d warm-up)", concurrency, creates, warm);
        RawFhirClient hapi = new RawFhirClient(ehr.baseUrl(), concurrency, warm + creates);
        Load.count(concurrency, warm, hapi::createNext);
        long jvm0 = Machine.jvmCpuNanos();
        long ehr0 = ehr.cpuNanos();
        Load.Result created = Load.count(concurrency, creates, hapi::createNext);
        double hapiJvm = (Machine.jvmCpuNanos() - jvm0) / 1e6 / created.calls();
        long ehr1 = ehr.cpuNanos();
        double hapiEhr = ehr0 < 0 || ehr1 < 0 ? Double.NaN : (ehr1 - ehr0) / 1e6 / created.calls();
        report.line("raw HAPI: %s", created.summary());
        report.line("raw HAPI CPU per create: client JVM %.3f ms, EHR process %.3f ms", hapiJvm, hapiEhr);

        report.line("");
        report.line("baseline 2: raw JDBC, one row per transaction, %d threads, %d inserts (after %d warm-up)",
                concurrency, inserts, warm);
        RawWrites raw = RawWrites.prepare(owner);
        Load.count(concurrency, warm, raw::insertOneRow);
        long pg = Machine.postmasterOf(node.dataDir());
        statements.reset();
        jvm0 = Machine.jvmCpuNanos();
        long pg0 = Machine.treeCpuNanos(pg);
        Load.Result inserted = Load.count(concurrency, inserts, raw::insertOneRow);
        double insertPg = (Machine.treeCpuNanos(pg) - pg0) / 1e6 / inserted.calls();
        double insertJvm = (Machine.jvmCpuNanos() - jvm0) / 1e6 / inserted.calls();
        report.line("raw JDBC: %s", inserted.summary());
        report.line("raw insert CPU per transaction: PostgreSQL %.3f ms, JVM %.3f ms", insertPg, insertJvm);
        statements.print(report, "raw inserts", inserted.calls(), "insert", owner.user());
        return new Result(hapiJvm, hapiEhr, insertPg, insertJvm);
    }
}
