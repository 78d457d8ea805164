package io.dblock.spring.boot;

import io.dblock.testing.internal.ApiBaseline;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The public API of dblock-spring-boot-starter matches its recorded baseline {@code api/dblock-spring-boot-starter.api}; see {@link ApiBaseline} and "Building"
 * in the README for what it covers and how to re-record it on purpose.
 */
class ApiBaselineTest {

    @Test
    void publicApiMatchesTheRecordedBaseline() {
        ApiBaseline.verify(
                "dblock-spring-boot-starter",
                DbLocksProperties.class,
                List.of("io.dblock.spring.boot", "io.dblock.spring.boot.actuate", "io.dblock.spring.boot.metrics"));
    }
}
