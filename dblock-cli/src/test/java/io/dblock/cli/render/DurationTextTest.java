package io.dblock.cli.render;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationTextTest {

    @Test
    void precisionFollowsSize() {
        assertThat(DurationText.format(Duration.ZERO)).isEqualTo("0 ms");
        assertThat(DurationText.format(Duration.ofMillis(999))).isEqualTo("999 ms");
        assertThat(DurationText.format(Duration.ofMillis(1_000))).isEqualTo("1.0 s");
        assertThat(DurationText.format(Duration.ofMillis(3_490))).isEqualTo("3.4 s");
        assertThat(DurationText.format(Duration.ofMillis(59_999))).isEqualTo("59.9 s");
        assertThat(DurationText.format(Duration.ofSeconds(60))).isEqualTo("1m 00s");
        assertThat(DurationText.format(Duration.ofSeconds(303))).isEqualTo("5m 03s");
        assertThat(DurationText.format(Duration.ofSeconds(3_600 + 7 * 60 + 59))).isEqualTo("1h 07m");
        assertThat(DurationText.format(Duration.ofHours(50))).isEqualTo("50h 00m");
    }

    @Test
    void negativeDurationsShowAsZero() {
        assertThat(DurationText.format(Duration.ofMillis(-5))).isEqualTo("0 ms");
    }
}
