package io.dblock.cli;

import io.dblock.LockUsageException;
import io.dblock.UnsupportedLockException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Reports a subcommand's failure as one line per cause on standard error and exits with the code the failure calls for
 * (see {@link ExitCodes}): {@link ExitCodes#REFUSED} for a {@link LockUsageException}, {@link ExitCodes#UNSUPPORTED} for
 * an {@link UnsupportedLockException}, else the command's {@code exitCodeOnExecutionException} ({@link
 * ExitCodes#FAILED} for the inspection commands, 1 for {@code demo}).
 *
 * <p>picocli's default prints the whole stack trace, which buries the message users need (dblock's exceptions already
 * say which lock, engine and wait were involved). Set the system property {@code dblock.stacktrace=true} to get the
 * trace as well.
 */
final class FailureHandler implements IExecutionExceptionHandler {

    @Override
    public int handleExecutionException(Exception failure, CommandLine commandLine, ParseResult parseResult) {
        PrintWriter err = commandLine.getErr();
        String message = failure.getMessage() != null ? failure.getMessage() : failure.toString();
        err.println(commandLine.getCommandSpec().qualifiedName() + " failed: " + message);
        for (Throwable cause = failure.getCause(); cause != null; cause = cause.getCause()) {
            err.println("  caused by: " + cause);
        }
        if (Boolean.getBoolean("dblock.stacktrace")) {
            failure.printStackTrace(err);
        }
        err.flush();
        return exitCode(failure, commandLine);
    }

    static int exitCode(Exception failure, CommandLine commandLine) {
        if (failure instanceof UnsupportedLockException) {
            return ExitCodes.UNSUPPORTED;
        }
        if (failure instanceof LockUsageException) {
            return ExitCodes.REFUSED;
        }
        return commandLine.getCommandSpec().exitCodeOnExecutionException();
    }
}
