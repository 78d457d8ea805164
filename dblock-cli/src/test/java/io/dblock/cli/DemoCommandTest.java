package io.dblock.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.dblock.testing.EmbeddedPostgres;
import org.junit.jupiter.api.Test;

/** Runs {@code dblock demo} in this JVM, through picocli as the real command line does. */
class DemoCommandTest {

    @Test
    void demoOnTheEmbeddedServerTellsTheStoryInOrderAndStopsTheServer() {
        CliRun run = CliRun.inProcess("demo");

        DemoStory.assertTold(run);
        assertThat(run.lines().get(0))
                .matches("Started embedded PostgreSQL \\d+\\.\\d+.* on 127\\.0\\.0\\.1:\\d+ in \\d+ ms\\.");
        assertThat(run.lines()).last().isEqualTo("Stopped the embedded PostgreSQL.");
        assertThat(run.err()).isEmpty();
    }

    @Test
    void demoRunsOnAnExternalServerGivenByUrl() {
        // The embedded server stands in for "someone else's" PostgreSQL here; the demo must leave it running.
        EmbeddedPostgres server = EmbeddedPostgres.shared();
        try {
            CliRun run = CliRun.inProcess("demo", "--url", server.jdbcUrl(), "--user", server.user());

            DemoStory.assertTold(run);
            assertThat(run.lines().get(0))
                    .startsWith("Connected to PostgreSQL " + server.version() + " at " + server.jdbcUrl());
            assertThat(run.out()).doesNotContain("Stopped");
            assertThat(server.version()).isNotBlank();
        } finally {
            server.close();
        }
    }

    @Test
    void userWithoutUrlIsAUsageError() {
        CliRun run = CliRun.inProcess("demo", "--user", "someone");

        assertThat(run.exitCode()).as(run.describe()).isEqualTo(2);
        assertThat(run.err()).contains("--user needs --url");
    }

    @Test
    void unreachableExternalServerFailsWithExitCodeOneAndAOneLineReason() {
        CliRun run = CliRun.inProcess("demo", "--url", "jdbc:postgresql://127.0.0.1:1/nothing?connectTimeout=2");

        assertThat(run.exitCode()).as(run.describe()).isEqualTo(1);
        assertThat(run.err()).startsWith("dblock demo failed: Cannot connect to PostgreSQL: ");
    }
}
