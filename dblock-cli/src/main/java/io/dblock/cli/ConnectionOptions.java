package io.dblock.cli;

import io.dblock.DbLocks;
import io.dblock.LockFailedException;
import io.dblock.cli.connect.DriverDataSource;
import io.dblock.cli.connect.JdbcUrl;
import java.sql.SQLException;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The options that say which server to inspect, shared by {@code locks}, {@code waits}, {@code cancel} and {@code
 * terminate}: {@code --url}, {@code --user} and where the password comes from.
 *
 * <p>The password never comes from the command line, where {@code ps} and the shell history would show it. In order:
 * {@code --password-prompt} asks on the console without echo; {@code --password-env NAME} reads {@code $NAME}; else
 * {@code $DBLOCK_PASSWORD} if set. With none of these, the server is tried without a password (the URL may carry one)
 * and, if it asks for one and a console is there, the password is asked for once. The password is held only in memory
 * and never printed.
 */
public final class ConnectionOptions {

    /** The environment variable the password comes from unless {@code --password-env} names another. */
    public static final String PASSWORD_ENV = "DBLOCK_PASSWORD";

    @Spec(Spec.Target.MIXEE)
    private CommandSpec command;

    @Option(
            names = "--url",
            required = true,
            paramLabel = "<jdbc-url>",
            description = {
                "The server: jdbc:postgresql://host:5432/db, jdbc:mariadb://host:3306/db or jdbc:mysql://host:3306/db.",
                "PostgreSQL shows the locks of this database; MariaDB/MySQL the locks in this database and its"
                        + " named locks."
            })
    private String url;

    @Option(
            names = "--user",
            paramLabel = "<user>",
            description = "The database user (default: the URL's, else the driver's default).")
    private String user;

    @Option(
            names = "--password-env",
            paramLabel = "<variable>",
            description = "Take the password from this environment variable instead of $" + PASSWORD_ENV + ".")
    private String passwordEnv;

    @Option(
            names = "--password-prompt",
            description = "Ask for the password on the console (not echoed) instead of reading $" + PASSWORD_ENV + ".")
    private boolean passwordPrompt;

    /** Only there to refuse it clearly, without echoing the value as picocli's "unknown option" message would. */
    @Option(names = "--password", hidden = true, arity = "0..1", fallbackValue = "")
    private String passwordOnCommandLine;

    /** Checks the options without connecting: the URL's scheme, and that at most one password source is named. */
    private void validate() {
        if (passwordOnCommandLine != null) {
            throw usage("--password is not accepted: a password on the command line shows in `ps` and the shell"
                    + " history. Put it in $" + PASSWORD_ENV + ", name another variable with --password-env, or use"
                    + " --password-prompt.");
        }
        if (JdbcUrl.forDriver(url).isEmpty()) {
            throw usage("--url must start with " + JdbcUrl.ACCEPTED);
        }
        if (passwordPrompt && passwordEnv != null) {
            throw usage("--password-prompt and --password-env exclude each other: the password comes from one place");
        }
    }

    /**
     * Checks the options, resolves the password, connects and lets dblock detect the engine; usage errors are found
     * before anything is asked or connected.
     *
     * @param terminal where the password comes from
     * @return the locks of the server, ready for {@link DbLocks#inspector()}
     * @throws ParameterException for a usage error, such as a password source without a password (exit code 2)
     * @throws io.dblock.LockFailedException if no connection can be opened
     * @throws io.dblock.UnsupportedLockException if the server is not one dblock supports
     */
    DbLocks connect(Terminal terminal) {
        validate();
        String driverUrl = JdbcUrl.forDriver(url).orElseThrow();
        Optional<String> password = password(terminal);
        try {
            return DbLocks.create(new DriverDataSource(driverUrl, user, password.orElse(null)));
        } catch (LockFailedException e) {
            if (!needsPassword(e)) {
                throw e;
            }
            if (password.isPresent() || passwordEnv != null) {
                throw withHint(
                        e,
                        "the server refused the password from " + passwordSource() + " for "
                                + (user != null ? "user " + user : "the URL's user"));
            }
            // Like psql: no password was given and the server wants one, so ask if someone is there to answer.
            Optional<char[]> typed = terminal.readPassword(prompt());
            if (typed.isEmpty()) {
                throw withHint(
                        e,
                        "the server wants a password and none was given, and there is no console to ask"
                                + " on. Set $" + PASSWORD_ENV
                                + ", name another variable with --password-env NAME, or use"
                                + " --password-prompt at a console");
            }
            return DbLocks.create(new DriverDataSource(driverUrl, user, new String(typed.get())));
        }
    }

    private String passwordSource() {
        return passwordPrompt ? "the prompt" : "$" + (passwordEnv != null ? passwordEnv : PASSWORD_ENV);
    }

    /** The connection failure saying what to do about it; the original failure, with the driver's, is its cause. */
    private static LockFailedException withHint(LockFailedException e, String hint) {
        return new LockFailedException(
                "could not connect: " + hint, null, e.engine().orElse(null), null, e);
    }

    private Optional<String> password(Terminal terminal) {
        if (passwordPrompt) {
            char[] typed = terminal.readPassword(prompt())
                    .orElseThrow(() -> usage("--password-prompt needs a console, and standard input or output is"
                            + " redirected; use $" + PASSWORD_ENV + " or --password-env instead"));
            return Optional.of(new String(typed));
        }
        if (passwordEnv != null) {
            return Optional.of(terminal.env(passwordEnv)
                    .orElseThrow(() -> usage("--password-env names $" + passwordEnv + ", which is not set")));
        }
        return terminal.env(PASSWORD_ENV).filter(value -> !value.isEmpty());
    }

    private String prompt() {
        return "Password for " + (user != null ? user : "the URL's user") + ": ";
    }

    /** Authentication failed (SQLState class 28), or PostgreSQL wanted a password and had none (08004). */
    private static boolean needsPassword(LockFailedException e) {
        for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                String state = sql.getSQLState();
                return state.startsWith("28") || state.equals("08004");
            }
        }
        return false;
    }

    private ParameterException usage(String message) {
        return new ParameterException(command.commandLine(), message);
    }
}
