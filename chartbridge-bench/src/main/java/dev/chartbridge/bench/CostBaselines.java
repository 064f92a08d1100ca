package dev.chartbridge.bench;

import dev.chartbridge.core.store.Database;

/**
 * The baselines the cost of a delivered write is held against, measured in the same run as the gateway's
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
    /**
     * CPU per call of the baselines, ms; and how many of the backlog's operations the floor delivered (warm-up
     * included), which the drain cannot have.
     */
    record Result(double hapiJvmMs, double hapiEhrMs, double insertPgMs, double insertJvmMs, double floorPgMs,
                  long floorTaken) {
    }

    private CostBaselines() {
    }

    /** @param pending the backlog's size ({@link Backlog} numbers 0 to {@code pending}); the floor takes its last ones */
    static Result measure(Report report, Node node, Database owner, Ehr ehr, StatementStats statements,
                          int concurrency, int creates, int inserts, long pending, int floorWrites) throws Exception {
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

        // The backlog's last operations, far behind what the drain reaches; a quarter of it at most.
        int floorWarm = Math.min(1000, floorWrites / 5);
        long floorFirst = Math.max(pending - floorWarm - floorWrites, pending * 3 / 4);
        report.line("");
        long floorMeasured = pending - floorFirst - floorWarm;
        report.line("baseline 3: delivery floor, the rows the ledger promises per write in two statements (claim and"
                + " IN_FLIGHT mark; outcome, attempt, line release, two audit entries), %d threads, %d writes (after"
                + " %d warm-up), backlog numbers %d to %d", concurrency, floorMeasured, floorWarm, floorFirst,
                pending - 1);
        DeliveryFloor floor = new DeliveryFloor(owner, Node.TENANT, Bodies.patients(), floorFirst, pending);
        Load.count(concurrency, floorWarm, floor::deliverNext);
        statements.reset();
        pg0 = Machine.treeCpuNanos(pg);
        Load.Result floored = Load.count(concurrency, floorMeasured, floor::deliverNext);
        double floorPg = (Machine.treeCpuNanos(pg) - pg0) / 1e6 / floored.ok();
        report.line("delivery floor: %s", floored.summary());
        report.line("delivery floor CPU per write: PostgreSQL %.3f ms (%.2f raw inserts)", floorPg,
                floorPg / insertPg);
        statements.print(report, "delivery floor", floored.ok(), "write", owner.user());
        return new Result(hapiJvm, hapiEhr, insertPg, insertJvm, floorPg, pending - floorFirst);
    }
}
