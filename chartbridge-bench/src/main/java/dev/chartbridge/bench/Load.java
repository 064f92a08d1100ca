package dev.chartbridge.bench;

import org.HdrHistogram.Histogram;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Drives an operation from many threads and records its latency (microseconds, HdrHistogram): closed loop for a
 * time, closed loop for a count, or paced at a fixed total rate. Paced latency is measured from the intended
 * start, so a stalled server is not hidden by requests that were never sent (coordinated omission).
 */
final class Load {
    private Load() {
    }

    /** One call; returns true when it succeeded. */
    @FunctionalInterface
    interface Operation {
        boolean call() throws Exception;
    }

    /** What a run did: successes, failures, measured seconds, the latency of the successes, and every call made. */
    record Result(long ok, long failed, double seconds, Histogram micros, long calls) {
        double rate() {
            return ok / seconds;
        }

        String summary() {
            return String.format(Locale.ROOT, "%d ok, %d failed in %.1f s = %.1f/s; latency ms p50 %.2f p90 %.2f"
                            + " p99 %.2f p99.9 %.2f max %.2f", ok, failed, seconds, rate(), ms(50), ms(90), ms(99),
                    ms(99.9), micros.getMaxValue() / 1000.0);
        }

        double ms(double percentile) {
            return micros.getValueAtPercentile(percentile) / 1000.0;
        }
    }

    /** Each thread calls as fast as it can; only calls that start after the warm-up count. */
    static Result closed(int threads, Duration warmup, Duration measure, Operation op) {
        long start = System.nanoTime();
        long measureFrom = start + warmup.toNanos();
        long end = measureFrom + measure.toNanos();
        return run(threads, (ok, failed, h) -> {
            while (true) {
                long t0 = System.nanoTime();
                if (t0 >= end) {
                    return;
                }
                boolean success = call(op);
                long t1 = System.nanoTime();
                if (t0 >= measureFrom && t1 <= end) {
                    count(success, t1 - t0, ok, failed, h);
                }
            }
        }, measure);
    }

    /** The threads share {@code total} calls; the result's seconds are the wall time of all of them. */
    static Result count(int threads, long total, Operation op) {
        AtomicLong left = new AtomicLong(total);
        long start = System.nanoTime();
        Result r = run(threads, (ok, failed, h) -> {
            while (left.getAndDecrement() > 0) {
                long t0 = System.nanoTime();
                boolean success = call(op);
                count(success, System.nanoTime() - t0, ok, failed, h);
            }
        }, Duration.ZERO);
        return new Result(r.ok(), r.failed(), (System.nanoTime() - start) / 1e9, r.micros(), r.calls());
    }

    /** Calls at {@code perSecond} in total, spread evenly over the threads, for {@code measure}. */
    static Result paced(int threads, double perSecond, Duration measure, Operation op) {
        long start = System.nanoTime() + 50_000_000L;
        long end = start + measure.toNanos();
        long interval = (long) (threads * 1e9 / perSecond);
        AtomicLong slot = new AtomicLong();
        return run(threads, (ok, failed, h) -> {
            long next = start + slot.getAndIncrement() * interval / threads;
            while (next < end) {
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                    continue;
                }
                boolean success = call(op);
                count(success, System.nanoTime() - next, ok, failed, h);
                next += interval;
            }
        }, measure);
    }

    private interface Worker {
        void work(AtomicLong ok, AtomicLong failed, Histogram h);
    }

    private static Result run(int threads, Worker worker, Duration measure) {
        AtomicLong ok = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        long calls0 = CALLS.get();
        List<Histogram> histograms = new ArrayList<>();
        List<Thread> running = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            Histogram h = new Histogram(3_600_000_000L, 3);
            histograms.add(h);
            Thread t = new Thread(() -> worker.work(ok, failed, h), "load-" + i);
            running.add(t);
            t.start();
        }
        for (Thread t : running) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        Histogram all = new Histogram(3_600_000_000L, 3);
        histograms.forEach(all::add);
        return new Result(ok.get(), failed.get(), measure.toNanos() / 1e9, all, CALLS.get() - calls0);
    }

    private static final AtomicLong CALLS = new AtomicLong();
    private static final java.util.concurrent.atomic.AtomicBoolean FAILURE_SHOWN =
            new java.util.concurrent.atomic.AtomicBoolean();

    private static boolean call(Operation op) {
        CALLS.incrementAndGet();
        try {
            return op.call();
        } catch (Exception e) {
            if (!FAILURE_SHOWN.getAndSet(true)) {
                System.err.println("first failed call (later ones are only counted): " + e);
            }
            return false;
        }
    }

    private static void count(boolean success, long nanos, AtomicLong ok, AtomicLong failed, Histogram h) {
        if (success) {
            ok.incrementAndGet();
            h.recordValue(Math.max(1, nanos / 1000));
        } else {
            failed.incrementAndGet();
        }
    }
}
