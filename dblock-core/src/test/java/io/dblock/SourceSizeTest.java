package io.dblock;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Keeps dblock-core's sources in small units (issue 15): no main source file over {@value #MAX_LINES} lines. A file that
 * grows past it is split along its responsibilities, not trimmed to fit.
 */
class SourceSizeTest {

    static final int MAX_LINES = 350;

    @Test
    void noMainSourceFileIsLongerThanTheLimit() throws IOException {
        Path sources = Path.of("src", "main", "java");
        assertThat(sources).as("run from the module directory").isDirectory();
        List<String> tooLong;
        try (Stream<Path> files = Files.walk(sources)) {
            tooLong = files.filter(p -> p.toString().endsWith(".java"))
                    .filter(p -> lines(p) > MAX_LINES)
                    .map(p -> sources.relativize(p) + " (" + lines(p) + " lines)")
                    .collect(Collectors.toList());
        }
        assertThat(tooLong).as("files over " + MAX_LINES + " lines").isEmpty();
    }

    private static long lines(Path file) {
        try (Stream<String> lines = Files.lines(file)) {
            return lines.count();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
