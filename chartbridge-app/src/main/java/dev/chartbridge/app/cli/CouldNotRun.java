package dev.chartbridge.app.cli;

import dev.chartbridge.core.ChartBridgeException;
import picocli.CommandLine;

/**
 * Turns an exception escaping a command into one line on standard error and {@link ExitCodes#COULD_NOT_RUN}. The
 * gateway's own exceptions carry a message written for the operator; anything else is named by its class and
 * message with its causes. {@code CHARTBRIDGE_TRACE=1} prints the stack trace as well.
 */
final class CouldNotRun implements CommandLine.IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception e, CommandLine command, CommandLine.ParseResult parsed) {
        command.getErr().println("chartbridge " + command.getCommandName() + ": could not run: " + describe(e));
        if ("1".equals(System.getenv("CHARTBRIDGE_TRACE"))) {
            e.printStackTrace(command.getErr());
        } else {
            command.getErr().println("(CHARTBRIDGE_TRACE=1 prints the stack trace)");
        }
        command.getErr().flush();
        return ExitCodes.COULD_NOT_RUN;
    }

    /** The message chain: the operator's message where the gateway wrote one, the causes' classes otherwise. */
    static String describe(Throwable e) {
        StringBuilder line = new StringBuilder();
        for (Throwable t = e; t != null && line.length() < 600; t = t.getCause()) {
            if (!line.isEmpty()) {
                line.append(" <- ");
            }
            line.append(t instanceof ChartBridgeException ? "" : t.getClass().getSimpleName() + ": ")
                    .append(t.getMessage());
            if (t.getCause() == t) {
                break;
            }
        }
        return line.toString();
    }
}
