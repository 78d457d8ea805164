package io.dblock.spring;

import io.dblock.testing.internal.ApiBaseline;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The public API of dblock-spring matches its recorded baseline {@code api/dblock-spring.api}; see {@link ApiBaseline} and "Building"
 * in the README for what it covers and how to re-record it on purpose.
 */
class ApiBaselineTest {

    @Test
    void publicApiMatchesTheRecordedBaseline() {
        ApiBaseline.verify(
                "dblock-spring",
                TransactionalLocks.class,
                List.of(
                        "io.dblock.spring",
                        "io.dblock.spring.annotation",
                        "io.dblock.spring.integration",
                        "io.dblock.spring.shedlock"));
    }
}
