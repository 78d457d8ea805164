package io.dblock.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Method;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.parallel.ResourceLocksProvider.Lock;

class EngineTest {

    @Test
    void eachEngineHasItsOwnResourceLock() {
        assertThat(Engine.POSTGRES.resourceLock()).isEqualTo(DbLockExtension.RESOURCE_LOCK);
        assertThat(Engine.MARIADB_10_11.resourceLock()).isEqualTo("io.dblock.testing.mariadb-10.11");
        assertThat(Engine.MARIADB_11_4.resourceLock()).isEqualTo("io.dblock.testing.mariadb-11.4");
        assertThat(Engine.MYSQL_EXTERNAL.resourceLock()).isEqualTo("io.dblock.testing.mysql-external");
    }

    @Test
    void resourceLocksFollowTheNearestAnnotation() throws NoSuchMethodException {
        EngineResourceLocks provider = new EngineResourceLocks();
        Method method = MariaDbInjectionTest.class.getDeclaredMethod("aMethodAnnotationWins", TestDatabase.class);

        assertThat(provider.provideForClass(MariaDb114Test.class))
                .containsExactly(new Lock("io.dblock.testing.mariadb-11.4"));
        assertThat(provider.provideForMethod(List.of(), MariaDbInjectionTest.class, method))
                .containsExactly(new Lock("io.dblock.testing.mariadb-10.11"));
        assertThat(provider.provideForNestedClass(
                        List.of(MariaDbInjectionTest.class), MariaDbInjectionTest.ANestedClassAnnotationWins.class))
                .containsExactly(new Lock(DbLockExtension.RESOURCE_LOCK));
        assertThat(provider.provideForClass(EngineTest.class)).isEmpty();
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    @EnabledIfSystemProperty(named = "os.arch", matches = "amd64")
    void embeddedEnginesAreAvailableOnLinuxX8664() {
        assertThat(Engine.POSTGRES.unavailableReason()).isEmpty();
        assertThat(Engine.MARIADB_10_11.unavailableReason()).isEmpty();
        assertThat(Engine.MARIADB_11_4.unavailableReason()).isEmpty();
        assertThat(EmbeddedMariaDb.availableVersions()).contains("10.11.5", "11.4.5");
    }

    @Test
    void externalMysqlIsAvailableExactlyWhenItsUrlIsSet() {
        if (TestDatabase.externalMysql().isPresent()) {
            assertThat(Engine.MYSQL_EXTERNAL.unavailableReason()).isEmpty();
        } else {
            assertThat(Engine.MYSQL_EXTERNAL.unavailableReason())
                    .get()
                    .asString()
                    .contains("DBLOCK_TEST_MYSQL_URL");
            assertThatThrownBy(Engine.MYSQL_EXTERNAL::database)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageStartingWith("DBLOCK_TEST_MYSQL_URL is not set");
        }
    }

    @Test
    void mysqlUrlsAreAcceptedByTheMariaDbDriver() {
        assertThat(ExternalMysql.driverUrl("jdbc:mysql://db:3306/t"))
                .isEqualTo("jdbc:mysql://db:3306/t?permitMysqlScheme");
        assertThat(ExternalMysql.driverUrl("jdbc:mysql://db/t?a=b"))
                .isEqualTo("jdbc:mysql://db/t?a=b&permitMysqlScheme");
        assertThat(ExternalMysql.driverUrl("jdbc:mariadb://db/t")).isEqualTo("jdbc:mariadb://db/t");
    }
}
