package io.dblock.cli.demo;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** Collects how each contended lock request ended, for the lines printed after the timeline. Thread-safe. */
final class Summary {

    private record Outcome(String result, String worker, String detail) {}

    private final List<Outcome> outcomes = new ArrayList<>();

    /**
     * Records one outcome.
     *
     * @param result a short verb such as {@code "timed out"}, {@code "waited"} or {@code "skipped"}
     * @param worker who asked for the lock
     * @param detail the rest of the sentence
     */
    synchronized void add(String result, Worker worker, String detail) {
        outcomes.add(new Outcome(result, worker.name(), detail));
    }

    synchronized void print(PrintWriter out, int nameWidth, long totalMillis) {
        out.printf("Summary (%d ms):%n", totalMillis);
        int resultWidth =
                outcomes.stream().mapToInt(o -> o.result().length()).max().orElse(0);
        for (Outcome o : outcomes) {
            out.printf("  %-" + nameWidth + "s  %-" + resultWidth + "s  %s%n", o.worker(), o.result(), o.detail());
        }
        out.flush();
    }
}
