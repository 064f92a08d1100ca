package dev.chartbridge.app.http;

/**
 * A request body the API does not take before reading it as JSON (too large, in an unsupported content coding,
 * not valid gzip): carries the problem to answer; {@link HttpApi} maps it. Unchecked, thrown by
 * {@link RequestBodies}.
 */
final class BodyRejected extends RuntimeException {
    private final transient Problem problem;

    BodyRejected(Problem problem) {
        super(problem.detail(), null, false, false);
        this.problem = problem;
    }

    Problem problem() {
        return problem;
    }
}
