package io.dblock.cli;

/**
 * The exit codes of the inspection commands ({@code locks}, {@code waits}, {@code cancel}, {@code terminate}), and
 * their lines for the {@code --help} of each ({@code exitCodeList} needs compile-time constants, hence one constant per
 * line).
 */
final class ExitCodes {

    /** Done. */
    static final int OK = 0;

    /** cancel/terminate: the server has no session with that id. */
    static final int NO_SUCH_SESSION = 1;

    /** Bad or missing options or arguments (picocli's own code for usage errors). */
    static final int USAGE = 2;

    /**
     * The server refused (a missing privilege) or dblock did (signalling its own session, or a server process that is
     * not a client session): LockUsageException.
     */
    static final int REFUSED = 3;

    /** The server cannot show its locks, e.g. MariaDB without performance_schema: UnsupportedLockException. */
    static final int UNSUPPORTED = 4;

    /** Could not connect, or the server failed otherwise. */
    static final int FAILED = 5;

    static final String HEADING = "%nExit codes:%n";
    static final String OK_LINE = "0:Success.";
    static final String NO_SUCH_SESSION_LINE = "1:No such session (cancel, terminate): it may have ended already.";
    static final String USAGE_LINE = "2:Usage error: bad or missing options or arguments.";
    static final String REFUSED_LINE =
            "3:Refused: missing privilege (e.g. pg_signal_backend, CONNECTION ADMIN), the tool's own session, or a server"
                    + " process that is not a client session.";
    static final String UNSUPPORTED_LINE =
            "4:Unsupported: the server cannot show its locks (e.g. MariaDB without performance_schema), or is not"
                    + " a server dblock supports.";
    static final String FAILED_LINE = "5:Connection failure or other error.";

    private ExitCodes() {}
}
