package io.dblock;

import io.dblock.testing.internal.ApiBaseline;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The public API of dblock-core matches its recorded baseline {@code api/dblock-core.api}; see {@link ApiBaseline} and "Building"
 * in the README for what it covers and how to re-record it on purpose.
 */
class ApiBaselineTest {

    @Test
    void publicApiMatchesTheRecordedBaseline() {
        ApiBaseline.verify("dblock-core", DbLocks.class, List.of("io.dblock", "io.dblock.inspect"));
    }
}
