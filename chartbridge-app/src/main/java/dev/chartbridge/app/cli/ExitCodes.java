package dev.chartbridge.app.cli;

/**
 * The exit codes of every {@code chartbridge} command, so that scripts can tell "the answer is no" from "could not
 * answer": a monitoring job must not page for a broken audit chain when the database was only unreachable.
 */
public final class ExitCodes {
    /** The command did what was asked, and the answer (if any) is "all good". */
    public static final int OK = 0;
    /** The command ran and the answer is "no": a broken audit chain, a demo whose writes did not all land. */
    public static final int FAILED_CHECK = 1;
    /** The command could not run: bad usage, bad configuration, a database it could not open. */
    public static final int COULD_NOT_RUN = 2;

    private ExitCodes() {
    }
}
