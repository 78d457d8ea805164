package io.dblock.cli.demo;

/**
 * Everyone and everything a scene of the demo needs.
 *
 * @param alice the worker who takes each lock first and holds it
 * @param bob the impatient worker: times out, or skips the work
 * @param carol the patient worker: waits without limit and then proceeds
 * @param timeline where the workers' events are printed
 * @param probe the session that watches {@code pg_locks}
 * @param summary where the outcomes are collected
 */
record Cast(Worker alice, Worker bob, Worker carol, Timeline timeline, ServerProbe probe, Summary summary) {

    /** Prints an event of {@code worker} on the timeline. */
    void log(Worker worker, String event) {
        timeline.log(worker, event);
    }

    /** Milliseconds since {@code startNanos} (a {@link System#nanoTime()} reading). */
    static long millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }
}
