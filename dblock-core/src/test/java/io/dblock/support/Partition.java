package io.dblock.support;

import io.dblock.testing.TestDatabase;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A silent network partition of one connection on loopback, with nftables: an {@code inet} table whose input chain
 * drops the connection's packets on {@code lo} in both directions (its client port as source, and as destination), so
 * neither side gets an answer or a reset. {@link #close()} deletes the table. Needs root and {@code nft}; {@link
 * #unavailable()} says why a test cannot cut, to skip it with that reason.
 */
public final class Partition implements AutoCloseable {

    private final String table;

    /** Removes the rules if the JVM ends (a stopped build) before {@link #close()}: a left rule breaks later runs. */
    private final Thread onExit;

    private Partition(String table) {
        this.table = table;
        this.onExit = new Thread(this::delete, "partition-cleanup-" + table);
        Runtime.getRuntime().addShutdownHook(onExit);
    }

    /** Why no partition can be made here, or empty if one can. */
    public static Optional<String> unavailable() {
        if (!"root".equals(System.getProperty("user.name"))) {
            return Optional.of("cutting a connection with nftables needs root (running as "
                    + System.getProperty("user.name") + ")");
        }
        try {
            int rc = nft(List.of("list", "tables"));
            return rc == 0 ? Optional.empty() : Optional.of("nft list tables failed (exit " + rc + ")");
        } catch (IOException e) {
            return Optional.of("no nft command (apt-get install nftables): " + e.getMessage());
        }
    }

    /** The client-side TCP port of a session, as the server sees it. */
    public static int clientPort(TestDatabase db, long sessionId) {
        Server server = new Server(db.dataSource());
        if (db.engine().equals("PostgreSQL")) {
            return server.queryInt("SELECT client_port FROM pg_stat_activity WHERE pid = " + sessionId);
        }
        String host = server.queryString("SELECT HOST FROM information_schema.PROCESSLIST WHERE ID = " + sessionId);
        return Integer.parseInt(host.substring(host.lastIndexOf(':') + 1));
    }

    /** Drops every packet of the loopback connection whose client port is {@code port}, both ways. */
    public static Partition cut(int port) throws IOException {
        String table = "dblock_partition_" + port;
        Partition partition = new Partition(table);
        try {
            run("add", "table", "inet", table);
            run("add", "chain", "inet", table, "input", "{ type filter hook input priority -10 ; policy accept ; }");
            run("add", "rule", "inet", table, "input", "iifname", "lo", "tcp", "sport", String.valueOf(port), "drop");
            run("add", "rule", "inet", table, "input", "iifname", "lo", "tcp", "dport", String.valueOf(port), "drop");
            return partition;
        } catch (IOException | RuntimeException e) {
            partition.close();
            throw e;
        }
    }

    /** Removes the rules: packets flow again. */
    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(onExit);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs anyway
        }
        delete();
    }

    private void delete() {
        try {
            nft(List.of("delete", "table", "inet", table));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void run(String... args) throws IOException {
        int rc = nft(List.of(args));
        if (rc != 0) {
            throw new IOException("nft " + String.join(" ", args) + " failed (exit " + rc + ")");
        }
    }

    private static int nft(List<String> args) throws IOException {
        List<String> command = new java.util.ArrayList<>();
        command.add("nft");
        command.addAll(args);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return -1;
            }
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (process.exitValue() != 0 && !output.isBlank()) {
                System.err.println("nft " + String.join(" ", args) + ": " + output.trim());
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }
}
