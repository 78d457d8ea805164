package io.dblock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * {@link Failover}'s values and the grace period they come to ({@link LockSettings#grace()}): the holders' detection
 * bound by default, the JVM's {@value Failover#GRACE_PROPERTY} property where it is set, an explicit one above both.
 * Saves and restores the property, which the embedded test servers set.
 */
@ResourceLock(Failover.GRACE_PROPERTY)
class FailoverTest {

    private String saved;

    @BeforeEach
    void clearProperty() {
        saved = System.getProperty(Failover.GRACE_PROPERTY);
        System.clearProperty(Failover.GRACE_PROPERTY);
    }

    @AfterEach
    void restoreProperty() {
        if (saved == null) {
            System.clearProperty(Failover.GRACE_PROPERTY);
        } else {
            System.setProperty(Failover.GRACE_PROPERTY, saved);
        }
    }

    @Test
    void theDefaultGraceIsTheWatchdogIntervalPlusTheNetworkBoundAndNoneWithoutAWatchdog() {
        LockSettings settings = new LockSettings();
        assertThat(settings.grace()).isEqualTo(Duration.ofSeconds(15));
        settings.watchdog(Duration.ofSeconds(2));
        assertThat(settings.grace()).isEqualTo(Duration.ofSeconds(7));
        settings.watchdog(Duration.ZERO);
        assertThat(settings.grace())
                .as("holders are never told: nothing to wait for")
                .isZero();
    }

    @Test
    void thePropertySetsTheDefaultAndAnExplicitGraceWins() {
        LockSettings settings = new LockSettings();
        System.setProperty(Failover.GRACE_PROPERTY, "PT0S");
        assertThat(settings.grace()).isZero();
        System.setProperty(Failover.GRACE_PROPERTY, " PT3S ");
        assertThat(settings.grace()).isEqualTo(Duration.ofSeconds(3));
        settings.failover = Failover.defaults().withGrace(Duration.ofSeconds(20));
        assertThat(settings.grace()).isEqualTo(Duration.ofSeconds(20));
    }

    @Test
    void aMalformedPropertyIsRefusedNamingIt() {
        System.setProperty(Failover.GRACE_PROPERTY, "15 seconds");
        assertThatThrownBy(() -> new LockSettings().grace())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(Failover.GRACE_PROPERTY)
                .hasMessageContaining("15 seconds");
        System.setProperty(Failover.GRACE_PROPERTY, "-PT1S");
        assertThatThrownBy(() -> new LockSettings().grace())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("between 0 (off) and 1 day");
    }

    @Test
    void badGracesAreRefusedAndValuesAreImmutable() {
        assertThatThrownBy(() -> Failover.defaults().withGrace(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> Failover.defaults().withGrace(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Failover.defaults().withGrace(Duration.ofDays(2)))
                .isInstanceOf(IllegalArgumentException.class);
        Failover both = Failover.defaults().withGrace(Duration.ofSeconds(4)).allowingStandby();
        assertThat(both.grace()).hasValue(Duration.ofSeconds(4));
        assertThat(both.allowsStandby()).isTrue();
        assertThat(Failover.defaults().grace()).isEmpty();
        assertThat(Failover.defaults().allowsStandby()).isFalse();
        assertThatThrownBy(() -> DbLocks.builder(new org.postgresql.ds.PGSimpleDataSource())
                        .failover(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("Failover.defaults()");
    }
}
