package io.dblock.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

class PostgresBinariesTest {

    @TempDir
    Path base;

    @Test
    @EnabledOnOs(OS.LINUX)
    @EnabledIfSystemProperty(named = "os.arch", matches = "amd64")
    void looksForZonkysResourceName() {
        assertThat(PostgresBinaries.candidateResources()).contains("postgres-linux-x86_64.txz");
        assertThat(PostgresBinaries.locateArchive().getPath()).endsWith("/postgres-linux-x86_64.txz");
    }

    @Test
    void concurrentExtractionsPublishOneCompleteCopyWithModesAndLinks() throws Exception {
        ExecutorService executor = Executors.newFixedThreadPool(2);
        Path installed;
        try {
            Callable<Path> install = () -> PostgresBinaries.install(base);
            Future<Path> first = executor.submit(install);
            Future<Path> second = executor.submit(install);
            installed = first.get();
            assertThat(second.get()).isEqualTo(installed);
        } finally {
            executor.shutdownNow();
        }
        try (Stream<Path> entries = Files.list(base)) {
            assertThat(entries).as("no staging directories left").containsExactly(installed);
        }
        for (String program : List.of("initdb", "postgres", "pg_ctl")) {
            assertThat(Files.getPosixFilePermissions(installed.resolve("bin").resolve(program)))
                    .isEqualTo(PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        try (Stream<Path> paths = Files.walk(installed)) {
            assertThat(paths.filter(Files::isSymbolicLink))
                    .allSatisfy(link -> assertThat(link).exists());
        }
    }

    @Test
    void reusesACompleteCopy() throws IOException {
        Path installed = PostgresBinaries.install(base);
        Files.writeString(installed.resolve("sentinel"), "reused, not extracted again");

        assertThat(PostgresBinaries.install(base)).isEqualTo(installed);
        assertThat(installed.resolve("sentinel")).exists();
    }
}
