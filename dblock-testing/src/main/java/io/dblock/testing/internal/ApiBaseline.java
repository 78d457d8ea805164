package io.dblock.testing.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The build's API-compatibility check: compares a module's {@link ApiListing} with the baseline recorded in {@code
 * api/<module>.api} and fails on any difference, listing the removed or changed lines (which break users' code) apart
 * from the added ones (which do not). With the system property {@code dblock.api.record=true} it records the current
 * listing instead.
 *
 * <p>Not for users: each module's {@code ApiBaselineTest} calls it.
 */
public final class ApiBaseline {

    /** The system property that makes {@link #verify} record the baseline instead of checking it. */
    public static final String RECORD_PROPERTY = "dblock.api.record";

    private static final Pattern TYPE_NAME =
            Pattern.compile("(?:^|\\s)(?:class|interface|enum|record|@interface) ([^\\s<]+)");

    private ApiBaseline() {}

    /**
     * Checks (or, with {@code -Ddblock.api.record=true}, records) the API of {@code module}'s {@code packages}, whose
     * classes are where {@code anchor} is, against {@code api/<module>.api} under the module's base directory.
     *
     * @throws AssertionError if the listing differs from the baseline, or there is no baseline
     */
    public static void verify(String module, Class<?> anchor, List<String> packages) {
        Path baseDir = Path.of(System.getProperty("basedir", ""));
        Path baseline = baseDir.resolve("api").resolve(module + ".api").toAbsolutePath();
        verify(module, baseline, ApiListing.of(anchor, packages), Boolean.getBoolean(RECORD_PROPERTY));
    }

    /** Checks {@code current} against the baseline file, or records it there when {@code record} is set. */
    public static void verify(String module, Path baseline, List<String> current, boolean record) {
        String recordCommand = "./mvnw -B -pl " + module
                + " -am test -Dtest=ApiBaselineTest -Dsurefire.failIfNoSpecifiedTests=false -D" + RECORD_PROPERTY
                + "=true";
        if (record) {
            List<String> file = new ArrayList<>();
            file.add("# The public API of " + module
                    + ", checked by ApiBaselineTest in every build. Re-record on purpose:");
            file.add("# " + recordCommand);
            file.add("");
            file.addAll(current);
            write(baseline, file);
            System.out.println("Recorded the public API of " + module + " (" + current.size() + " lines) in " + baseline
                    + "; review the diff and commit it.");
            return;
        }
        if (!Files.exists(baseline)) {
            throw new AssertionError("No recorded public API for " + module + " at " + baseline
                    + ". Record it with:\n  " + recordCommand);
        }
        String difference = difference(read(baseline), current);
        if (!difference.isEmpty()) {
            throw new AssertionError("The public API of " + module + " differs from its baseline " + baseline + ".\n"
                    + difference
                    + "If the change is intended, re-record the baseline and commit it with the change:\n  "
                    + recordCommand + "\n");
        }
    }

    /**
     * The lines of {@code current} missing from {@code recorded} and the other way round, each member line prefixed
     * with its type's name; empty when they list the same API.
     */
    public static String difference(List<String> recorded, List<String> current) {
        Set<String> before = qualified(recorded);
        Set<String> after = qualified(current);
        List<String> removed = new ArrayList<>();
        for (String line : before) {
            if (!after.contains(line)) {
                removed.add(line);
            }
        }
        List<String> added = new ArrayList<>();
        for (String line : after) {
            if (!before.contains(line)) {
                added.add(line);
            }
        }
        StringBuilder out = new StringBuilder();
        if (!removed.isEmpty()) {
            out.append("Removed or changed (this breaks users' code; a changed line shows as removed and added):\n");
            removed.forEach(line -> out.append("  - ").append(line).append('\n'));
        }
        if (!added.isEmpty()) {
            out.append("Added (compatible for users, but record it so it is seen):\n");
            added.forEach(line -> out.append("  + ").append(line).append('\n'));
        }
        return out.toString();
    }

    /** Type lines as they are, member lines as {@code "<type name>: <member>"}; blank lines dropped. */
    private static Set<String> qualified(List<String> lines) {
        Set<String> out = new LinkedHashSet<>();
        String type = "?";
        for (String line : lines) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith(" ")) {
                out.add(type + ": " + line.strip());
            } else {
                Matcher matcher = TYPE_NAME.matcher(line);
                type = matcher.find() ? matcher.group(1) : line;
                out.add(line);
            }
        }
        return out;
    }

    private static List<String> read(Path file) {
        try {
            List<String> lines = new ArrayList<>();
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                lines.add(line.endsWith("\r") ? line.substring(0, line.length() - 1) : line);
            }
            return lines;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(Path file, List<String> lines) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
