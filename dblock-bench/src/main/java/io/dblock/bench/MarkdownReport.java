package io.dblock.bench;

import static io.dblock.bench.Checks.format;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** results.md: the targets first, then one table per scenario, with ratios to the raw-JDBC floor and to the peers. */
final class MarkdownReport {

    private final Results results;
    private final List<Target> targets;
    private final BenchMode mode;
    private final StringBuilder md = new StringBuilder();

    MarkdownReport(Results results, List<Target> targets, BenchMode mode) {
        this.results = results;
        this.targets = targets;
        this.mode = mode;
    }

    String render() {
        header();
        checks();
        for (Target t : targets) {
            uncontended(t);
        }
        contended();
        hold();
        manyKeys();
        waiters();
        skip();
        pooler();
        holders();
        return md.toString();
    }

    private void header() {
        md.append("# dblock benchmarks\n\n");
        Map<String, Object> run = results.run;
        md.append(format(
                "Mode **%s**, %s, %s cores, %s, Java %s. Servers: %s, embedded, over loopback. Took %s s.%n%n",
                mode.name(),
                run.get("finished"),
                run.get("cores"),
                run.get("os"),
                run.get("java"),
                String.join(", ", targets.stream().map(Target::displayName).toList()),
                run.get("seconds")));
        md.append(format("JMH: %s. Harness: %s.%n%n", run.get("jmh"), run.get("harness")));
        if (!mode.name().equals("full")) {
            md.append("**" + mode.name() + " mode: short iterations, so noisy figures; quote the full mode's.** ");
        }
        md.append("Each node (thread) has its own lock library instance and a HikariCP pool of " + Peer.POOL_SIZE
                + " (raw JDBC: one connection of its own).\n\n");
    }

    private void checks() {
        md.append("## Targets\n\n| target | engine | measured | limit | met |\n|---|---|---|---|---|\n");
        for (Results.Check c : results.checks) {
            md.append(format(
                    "| %s | %s | %s | %s | %s |%n",
                    c.target(), c.engine(), c.measured(), c.limit(), c.met() ? "yes" : "**no**"));
        }
        md.append('\n');
    }

    private void uncontended(Target t) {
        String e = t.engine();
        md.append("## Uncontended acquire + release, ").append(t.displayName()).append("\n\n");
        md.append(
                "| case | runs | µs/op | × raw floor | peer ÷ dblock | statements/op | tx calls/op | client CPU µs/op |"
                        + (t.isPostgres() ? "" : " server Questions/op |") + "\n");
        md.append("|---|---|---|---|---|---|---|---|" + (t.isPostgres() ? "" : "---|") + "\n");
        Optional<Results.Uncontended> dblock = results.uncontended(e, UncontendedCase.DBLOCK_ACQUIRE);
        for (UncontendedCase c : mode.casesOn(e)) {
            Optional<Results.Uncontended> u = results.uncontended(e, c);
            Optional<Results.RoundTrips> rt = results.roundTrips(e, c);
            String floor = c.floor == null
                    ? ""
                    : u.flatMap(x -> results.uncontended(e, c.floor)
                                    .map(f -> format("%.2f×", x.usPerOp() / f.usPerOp())))
                            .orElse("");
            String peer = c.isPeer()
                    ? u.flatMap(x -> dblock.map(d -> format("%.1f×", x.usPerOp() / d.usPerOp())))
                            .orElse("")
                    : "";
            md.append(format(
                    "| %s | %s | %s | %s | %s | %s | %s | %s |%s%n",
                    c.key,
                    c.description(e),
                    u.map(x -> withError(x.usPerOp(), x.error(), "%.1f")).orElse("failed (see log)"),
                    floor,
                    peer,
                    rt.map(r -> format("%.2f", r.executions())).orElse(""),
                    rt.map(r -> format("%.2f", r.transactionControl())).orElse(""),
                    rt.map(r -> r.clientCpuUs() == null ? "" : format("%.1f", r.clientCpuUs()))
                            .orElse(""),
                    t.isPostgres()
                            ? ""
                            : " "
                                    + rt.map(r -> r.questions() == null ? "" : format("%.2f", r.questions()))
                                            .orElse("") + " |"));
        }
        md.append("\nStatements and tx calls are counted by a JDBC wrapper under the pool (tx calls: commit, rollback,"
                + " setAutoCommit, setTransactionIsolation, setReadOnly; pgjdbc sends nothing for setAutoCommit)."
                + " Client CPU: the calling thread's CPU time per operation (driver, pool and library), in a"
                + " separate uncounted run after the JMH runs and a warm-up of its own."
                + (t.isPostgres() ? "" : " Questions is MariaDB's own count of statements received.")
                + "\n\n");
    }

    private void contended() {
        md.append("## Contended, one key, no hold: throughput (ops/s)\n\n");
        md.append("![contended throughput](contended-throughput.png)\n\n");
        StringBuilder head = new StringBuilder("| engine | peer |");
        StringBuilder rule = new StringBuilder("|---|---|");
        for (int n : mode.contendedThreads()) {
            head.append(' ').append(n).append(" threads |");
            rule.append("---|");
        }
        md.append(head).append('\n').append(rule).append('\n');
        for (Target t : targets) {
            for (Peer p : mode.peers()) {
                md.append("| ").append(t.engine()).append(" | ").append(p.label).append(" |");
                for (int n : mode.contendedThreads()) {
                    md.append(' ')
                            .append(results.contended(t.engine(), p, n)
                                    .map(c -> withError(c.opsPerSec(), c.error(), "%.0f"))
                                    .orElse("failed"))
                            .append(" |");
                }
                md.append('\n');
            }
            for (Peer p : mode.peers()) {
                if (p == Peer.RAW) {
                    continue;
                }
                md.append("| ").append(t.engine()).append(" | ").append(p.label).append(" ÷ raw |");
                for (int n : mode.contendedThreads()) {
                    md.append(' ').append(ratio(t.engine(), p, Peer.RAW, n)).append(" |");
                }
                md.append('\n');
            }
            for (Peer p : mode.peers()) {
                if (p == Peer.RAW || p == Peer.DBLOCK) {
                    continue;
                }
                md.append("| ")
                        .append(t.engine())
                        .append(" | dblock ÷ ")
                        .append(p.label)
                        .append(" |");
                for (int n : mode.contendedThreads()) {
                    md.append(' ').append(ratio(t.engine(), Peer.DBLOCK, p, n)).append(" |");
                }
                md.append('\n');
            }
        }
        md.append("\nShedLock cannot wait: a taken lock is tried again at once. JdbcLockRegistry waits in"
                + " `tryLock(2 s)`, which polls every 100 ms.\n\n");
    }

    /** "52.1 ± 0.8", or without the error when JMH had too few iterations to give one. */
    private static String withError(double score, Double error, String pattern) {
        String s = format(pattern, score);
        return error == null || error.isNaN() ? s : s + " ± " + format(pattern, error);
    }

    private String ratio(String engine, Peer p, Peer base, int threads) {
        return results.contended(engine, p, threads)
                .flatMap(a -> results.contended(engine, base, threads)
                        .map(b -> format("%.2f×", a.opsPerSec() / b.opsPerSec())))
                .orElse("");
    }

    private void hold() {
        md.append("## Contended with a hold: fairness and waits (measured harness)\n\n");
        md.append(
                "| engine | peer | threads | hold ms | ops/s | per-thread acquisitions | max ÷ min | wait p50 ms | p90 |"
                        + " p99 | max | p99 ÷ raw | retries/op | client CPU µs/op |\n"
                        + "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Results.Hold h : results.hold) {
            if (h.error() != null) {
                md.append(format(
                        "| %s | %s | %d | %.0f | failed: %s ||||||||||%n",
                        h.engine(), h.peer(), h.threads(), h.holdMs(), cell(h.error())));
                continue;
            }
            Peer base = h.peer().endsWith("table") ? Peer.RAW_TABLE : Peer.RAW;
            String p99 = results.hold(h.engine(), base, h.threads(), h.holdMs())
                    .map(r -> format("%.2f×", h.waitP99Ms() / r.waitP99Ms()))
                    .orElse("");
            md.append(format(
                    "| %s | %s | %d | %.0f | %.0f | %d–%d | %s | %.2f | %.2f | %.2f | %.2f | %s | %.2f | %.1f |%n",
                    h.engine(),
                    Peer.of(h.peer()).label,
                    h.threads(),
                    h.holdMs(),
                    h.opsPerSec(),
                    h.minPerThread(),
                    h.maxPerThread(),
                    h.minPerThread() == 0 ? "∞ (a node got none)" : format("%.2f×", h.maxMinRatio()),
                    h.waitP50Ms(),
                    h.waitP90Ms(),
                    h.waitP99Ms(),
                    h.waitMaxMs(),
                    p99,
                    h.retriesPerOp(),
                    h.clientCpuUsPerOp()));
        }
        md.append("\nEach thread is a node; the hold is a park (as a thread doing I/O). Wait: from asking to being"
                + " granted. Table locks: `LOCK TABLE`/`LOCK TABLES … WRITE` with a 2 s timeout, in a transaction"
                + " committed after the hold. The no-hold rows (raw JDBC, dblock with and without acquisition sites)"
                + " measure the hand-over itself: client CPU µs/op is each node thread's own CPU time per"
                + " acquire+release, which on a 2-core machine shared with the servers lengthens every hand-over. Per-thread counts are in"
                + " results.json.\n\n");
    }

    private void manyKeys() {
        md.append("## Many keys held at once by one holder (measured harness)\n\n");
        md.append("| engine | holder | keys | acquire all ms | release all ms | connections held | peak connections |"
                + " statements | locks left | library warnings |\n|---|---|---|---|---|---|---|---|---|---|\n");
        for (Results.ManyKeys m : results.manyKeys) {
            boolean failed = m.error() != null;
            md.append(format(
                    "| %s | %s | %d | %s | %s | %d | %d | %d | %s | %s |%n",
                    m.engine(),
                    m.impl(),
                    m.keys(),
                    failed ? "failed: " + cell(m.error()) : format("%.0f", m.acquireMs()),
                    failed ? "" : format("%.0f", m.releaseMs()),
                    m.connectionsHeld(),
                    m.peakConnections(),
                    m.executions(),
                    m.locksLeft() < 0 ? "" : Long.toString(m.locksLeft()),
                    m.warnings() == null ? "" : cell(m.warnings())));
        }
        md.append("\n`dblock`: one `acquire()` per key on one thread (the holds share its pinned connection);"
                + " `dblock-one-request`: one `advisory(keys).acquire()` of all keys. Connections are counted above"
                + " the pool (borrowed and not yet returned; dblock's watchdog borrows one every 10 s while locks are"
                + " held). Locks left: advisory/user locks on the server right after the release. Library warnings:"
                + " what the library logged at WARNING meanwhile."
                + (mode.manyKeys().stream().anyMatch(n -> n > mode.peerKeysLimit())
                        ? " This mode runs raw JDBC and the peers (a round trip or more per key) with "
                                + mode.peerKeysLimit() + " keys only."
                        : "")
                + "\n");
    }

    private void waiters() {
        md.append("\n## Virtual-thread waiters of one node (measured harness)\n\n");
        md.append("| engine | virtual threads | keys | pool | ops/s (median) | rounds, ops/s | ÷ fewest threads |\n"
                + "|---|---|---|---|---|---|---|\n");
        for (Results.Waiters w : results.waiters) {
            if (w.error() != null) {
                md.append(format(
                        "| %s | %d | %d | %d | %s | |%n",
                        w.engine(), w.threads(), w.keys(), w.pool(), cell(w.error())));
                continue;
            }
            String ratio = results.waiters(w.engine(), mode.waiterCounts().get(0))
                    .map(f -> format("%.2f×", w.opsPerSec() / f.opsPerSec()))
                    .orElse("");
            md.append(format(
                    "| %s | %d | %d | %d | %.0f | %s | %s |%n",
                    w.engine(),
                    w.threads(),
                    w.keys(),
                    w.pool(),
                    w.opsPerSec(),
                    String.join(
                            ", ",
                            w.perRound().stream().map(x -> format("%.0f", x)).toList()),
                    ratio));
        }
        md.append("\nOne `DbLocks` over a HikariCP pool; each virtual thread loops `acquire()`/`release()` of a key"
                + " drawn at random, no hold, so a release hands its key to one of its local waiters. The counts"
                + " take turns, round after round, each with a new pool, and the medians are compared. Skipped on a"
                + " JDK without virtual threads.\n");
    }

    private void skip() {
        md.append("\n## Try or skip (measured harness)\n\n");
        md.append(
                "| engine | keys | platform threads | body ms | pause after refusal ms | s | runs | ideal | runs ÷ ideal |"
                        + " attempts | tryAcquire ms (granted) | release ms | process CPU, cores |\n"
                        + "|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Results.Skip k : results.skip) {
            if (k.error() != null) {
                md.append(format(
                        "| %s | %d | %d | %.0f | %.0f | failed: %s ||||||||%n",
                        k.engine(), k.keys(), k.threads(), k.bodyMs(), k.pauseMs(), cell(k.error())));
                continue;
            }
            md.append(format(
                    "| %s | %d | %d | %.0f | %.0f | %.1f | %d | %d | %.2f | %d | %.2f | %.2f | %.2f |%n",
                    k.engine(),
                    k.keys(),
                    k.threads(),
                    k.bodyMs(),
                    k.pauseMs(),
                    k.seconds(),
                    k.runs(),
                    k.ideal(),
                    (double) k.runs() / k.ideal(),
                    k.attempts(),
                    k.acquireMs(),
                    k.releaseMs(),
                    k.processCores()));
        }
        md.append("\nOne `DbLocks` over a HikariCP pool of " + SkipHarness.POOL_SIZE + "; each thread tries a key"
                + " with `tryAcquire()`, runs the body (a park) if it got it, releases, and moves on to the next key"
                + " (after the pause, if refused). Ideal: keys × window ÷ body, every key busy all the time. Process"
                + " CPU: the benchmark JVM's CPU time in the window ÷ the window (the servers run beside it on the"
                + " same cores).\n");
    }

    private void holders() {
        if (results.holders.isEmpty()) {
            return;
        }
        md.append("\n## 1,000 holders on a pool of 8 (measured harness)\n\n");
        md.append("| engine | implementation | holds/s | acquire p50 ms | acquire p99 ms | failed | most held at once |"
                + " most pool connections |\n|---|---|---|---|---|---|---|---|\n");
        for (Results.Holders h : results.holders) {
            md.append(format(
                    "| %s | %s | %.0f | %.2f | %.2f | %d | %d | %d |%n",
                    h.engine(),
                    h.impl(),
                    h.holdsPerSecond(),
                    h.p50Millis(),
                    h.p99Millis(),
                    h.failed(),
                    h.mostHeldAtOnce(),
                    h.mostConnections()));
        }
        md.append("\n" + HoldersHarness.HOLDERS + " platform threads, each taking a distinct key again and again and"
                + " holding it " + HoldersHarness.HOLD_MILLIS + " ms; HikariCP pool of " + HoldersHarness.POOL
                + ", connection timeout 5 s. Raw JDBC borrows a connection per hold; dblock multiplexed shares at most"
                + " half the pool; `Multiplexing.off()` pins one connection per holding thread. A failed acquisition is"
                + " one that got no connection from the pool in 5 s.\n");
    }

    private void pooler() {
        if (results.pooler.isEmpty()) {
            return;
        }
        md.append("\n## Behind PgBouncer (measured harness)\n\n");
        md.append("| engine | path | implementation | dblock's pooler | µs/op | ÷ dblock direct | JDBC calls/op |"
                + " per round µs |\n|---|---|---|---|---|---|---|---|\n");
        for (Results.Pooler p : results.pooler) {
            if (p.error() != null) {
                md.append(format("| %s | %s | skipped: %s ||||||%n", p.engine(), p.path(), cell(p.error())));
                continue;
            }
            md.append(format(
                    "| %s | %s | %s | %s | %.1f | %.2f× | %.1f | %s |%n",
                    p.engine(),
                    p.path(),
                    p.impl(),
                    p.pooler(),
                    p.usPerOp(),
                    p.ratioToDirect(),
                    p.callsPerOp(),
                    String.join(
                            ", ",
                            p.perRound().stream().map(x -> format("%.0f", x)).toList())));
        }
        md.append("\nOne thread, uncontended: dblock `acquire()` + `release()` of a string key; raw JDBC the same lock"
                + " as is correct on the path (session lock and unlock direct and in session pooling;"
                + " `pg_advisory_xact_lock` and `ROLLBACK` in transaction pooling). PgBouncer 1.18 (the system's"
                + " binary), `default_pool_size = 20`, clients with `prepareThreshold=0`. Cases in turn, round after"
                + " round; the ratio is the median of the per-round ratios to dblock on a direct connection.\n");
    }

    /** Text fit for one table cell: one line, no pipes, at most 160 characters. */
    private static String cell(String text) {
        String flat = text.replace('|', '/').replace('\n', ' ');
        return flat.length() <= 160 ? flat : flat.substring(0, 157) + "...";
    }
}
