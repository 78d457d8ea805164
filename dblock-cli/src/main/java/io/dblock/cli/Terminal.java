package io.dblock.cli;

import java.util.Optional;

/**
 * What the commands need from the user's side besides their arguments: environment variables, answers on standard
 * input, a password typed without echo, and whether standard output is a terminal.
 *
 * <p>{@link #system()} is the real one; tests supply their own so they can run commands in-process.
 */
public interface Terminal {

    /** The process's own environment, standard input and console. */
    static Terminal system() {
        return SystemTerminal.INSTANCE;
    }

    /**
     * An environment variable.
     *
     * @param name its name
     * @return its value, or empty if unset
     */
    Optional<String> env(String name);

    /**
     * Reads one line from standard input (the answer to a question the caller has just printed).
     *
     * @return the line without its line break, or empty at end of input
     */
    Optional<String> readLine();

    /**
     * Asks for a password on the console, without echoing it.
     *
     * @param prompt the question, e.g. {@code "Password for app: "}
     * @return the password, or empty if there is no console (input or output redirected)
     */
    Optional<char[]> readPassword(String prompt);

    /**
     * Whether standard output is a terminal, where {@code --watch} may clear the screen.
     *
     * @return true when standard input and output are both a console (Java 17 cannot tell them apart)
     */
    boolean interactive();

    /**
     * How many characters a line may have before the terminal wraps it.
     *
     * @return {@code $COLUMNS} if set to a number, else the terminal's width if standard output is one, else 120
     */
    int width();
}
