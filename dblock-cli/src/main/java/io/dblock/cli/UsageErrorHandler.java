package io.dblock.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Reports a usage error in a few lines: the message, picocli's suggestions for a mistyped option, and where to find
 * help. Only {@code dblock} itself (a missing or unknown subcommand) prints its full usage, which is the list of
 * subcommands; a subcommand's full help is a screen long and would hide the message.
 */
final class UsageErrorHandler implements IParameterExceptionHandler {

    @Override
    public int handleParseException(ParameterException failure, String[] args) {
        CommandLine command = failure.getCommandLine();
        PrintWriter err = command.getErr();
        err.println(failure.getMessage());
        UnmatchedArgumentException.printSuggestions(failure, err);
        if (!command.getSubcommands().isEmpty()) {
            command.usage(err);
        } else {
            err.println("Try '" + command.getCommandSpec().qualifiedName() + " --help' for more information.");
        }
        err.flush();
        return command.getCommandSpec().exitCodeOnInvalidInput();
    }
}
