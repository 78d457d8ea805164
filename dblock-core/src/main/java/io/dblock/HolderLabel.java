package io.dblock;

import java.net.InetAddress;
import java.util.Locale;

/**
 * The label dblock gives a session it holds session locks on ({@link io.dblock.inspect.SessionInfo#dblockLabel}):
 * {@code dblock <pid>@<host>}, the JVM's process id and its short host name, in printable ASCII (PostgreSQL keeps only
 * that in {@code application_name}) and at most {@value #MAX_CHARS} characters, so that a PostgreSQL {@code
 * application_name} keeps room for the application's own name. Not the keys it holds: they change during a pin, and
 * the lock listing shows them.
 */
final class HolderLabel {

    /** Longest label: leaves 63 - 3 - 36 = 24 bytes of a PostgreSQL {@code application_name} to the application. */
    static final int MAX_CHARS = 36;

    private static volatile String label;

    private HolderLabel() {}

    /** This JVM's label; the host is looked up once, by the keepalive thread (it may ask DNS). */
    static String get() {
        String l = label;
        if (l == null) {
            l = of(ProcessHandle.current().pid(), host());
            label = l;
        }
        return l;
    }

    /** {@code dblock <pid>@<host>}, the host reduced to {@code [A-Za-z0-9-]} and cut so the whole fits. */
    static String of(long pid, String host) {
        String prefix = "dblock " + pid + "@";
        String shortHost =
                host.split("\\.", 2)[0].replaceAll("[^A-Za-z0-9-]", "").toLowerCase(Locale.ROOT);
        String cut = shortHost.substring(0, Math.min(shortHost.length(), MAX_CHARS - prefix.length()));
        return prefix + (cut.isEmpty() ? "unknown" : cut);
    }

    private static String host() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException | RuntimeException e) {
            return "unknown";
        }
    }
}
