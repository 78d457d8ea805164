package io.dblock.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.dblock.LockHandle;
import io.dblock.LockKey;
import io.dblock.LockTimeoutException;
import io.dblock.LockUsageException;
import io.dblock.TableName;
import io.dblock.spring.support.SpringFixture;
import io.dblock.testing.DatabaseTest;
import io.dblock.testing.Engine;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.aop.Advisor;
import org.springframework.aop.framework.Advised;
import org.springframework.aop.support.AopUtils;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.core.env.MapPropertySource;

/**
 * What does not depend on the engine: proxy kinds, the interceptor chain, SpEL keys, placeholders, and the checks
 * that stop a misconfigured application at startup. Runs on PostgreSQL.
 */
@DatabaseTest(engine = Engine.POSTGRES)
class AnnotationDetailsTest {

    @Nested
    class Proxies extends SpringFixture {

        @Test
        void aBeanWithAnInterfaceGetsAJdkProxyThatLocks() {
            Invoices invoices =
                    context(Configs.Defaults.class, Invoices.Service.class).getBean(Invoices.class);
            assertThat(AopUtils.isJdkDynamicProxy(invoices)).isTrue();
            assertThat(invoices.send(42, () -> heldElsewhere("invoice:42"))).isTrue();
            assertThat(heldElsewhere("invoice:42")).isFalse();
        }

        @Test
        void anAnnotationOnTheInterfaceMethodCounts() {
            Invoices invoices =
                    context(Configs.Defaults.class, Invoices.Service.class).getBean(Invoices.class);
            assertThat(invoices.declaredOnInterface(() -> heldElsewhere("declared-on-interface")))
                    .isTrue();
        }

        @Test
        void proxyTargetClassGivesACglibProxyThatLocks() {
            Invoices invoices =
                    context(Configs.ClassProxies.class, Invoices.Service.class).getBean(Invoices.class);
            assertThat(AopUtils.isCglibProxy(invoices)).isTrue();
            assertThat(invoices.send(43, () -> heldElsewhere("invoice:43"))).isTrue();
            assertThat(invoices.declaredOnInterface(() -> heldElsewhere("declared-on-interface")))
                    .isTrue();
        }

        @Test
        void aClassWithoutInterfacesGetsACglibProxy() {
            Jobs jobs = context(Configs.Defaults.class, Jobs.class).getBean(Jobs.class);
            assertThat(AopUtils.isCglibProxy(jobs)).isTrue();
            assertThat(jobs.run("x", () -> heldElsewhere("job:x"))).isTrue();
        }

        @Test
        void withoutTransactionManagementTheLocksMakeTheirOwnProxy() {
            Jobs jobs = context(Configs.LocksOnly.class, Jobs.class).getBean(Jobs.class);
            assertThat(AopUtils.isAopProxy(jobs)).isTrue();
            assertThat(jobs.run("y", () -> heldElsewhere("job:y"))).isTrue();
        }

        @Test
        void oneProxyCarriesSessionLocksOutsideTheTransactionAndTransactionLocksInside() {
            Object ledger = context(Configs.Defaults.class, Ledger.class).getBean(Ledger.class);
            assertThat(advice(ledger)).containsExactly("LockInterceptor", "TransactionInterceptor", "LockInterceptor");
        }

        @Test
        void insideTransactionPlacementKeepsTheLossGuardOutermost() {
            // the session lock itself is then taken by the inner interceptor (see OrderingContract)
            Object ledger =
                    context(Configs.SessionLocksInside.class, Ledger.class).getBean(Ledger.class);
            assertThat(advice(ledger)).containsExactly("LockInterceptor", "TransactionInterceptor", "LockInterceptor");
        }

        @Test
        void anUnannotatedBeanIsNotProxied() {
            Object plain = context(Configs.Defaults.class, Plain.class).getBean(Plain.class);
            assertThat(AopUtils.isAopProxy(plain)).isFalse();
        }

        private List<String> advice(Object bean) {
            return java.util.Arrays.stream(((Advised) bean).getAdvisors())
                    .map(Advisor::getAdvice)
                    .map(advice -> advice.getClass().getSimpleName())
                    .toList();
        }
    }

    /** A bean without lock annotations. */
    public static class Plain {
        public void run() {}
    }

    @Nested
    class Keys extends SpringFixture {

        KeyedJobs jobs;

        @BeforeEach
        void start() {
            AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext();
            context.getEnvironment()
                    .getPropertySources()
                    .addFirst(new MapPropertySource("test", Map.of("test.lock-timeout", "PT0.1S")));
            context.registerBean("dataSource", javax.sql.DataSource.class, () -> dataSource);
            context.registerBean("keyPrefix", String.class, () -> "bean:");
            context.registerBean(
                    io.dblock.spring.TableNameResolver.class,
                    () -> entity -> List.of(TableName.of("spring_entity_orders")));
            context.register(Configs.Defaults.class, KeyedJobs.class);
            closeAfterTest(context);
            context.refresh();
            jobs = context.getBean(KeyedJobs.class);
        }

        @Test
        void argumentPropertiesByParameterName() {
            assertThat(jobs.byProperty(new KeyedJobs.Invoice(7), () -> heldElsewhere("invoice:7")))
                    .isTrue();
        }

        @Test
        void argumentsByPosition() {
            assertThat(jobs.byPosition("x", "y", () -> heldElsewhere("p:x:y"))).isTrue();
        }

        @Test
        void aNumberIsALongKeyNotAString() {
            assertThat(jobs.byNumber(
                            42, () -> otherNode.advisory(42L).tryAcquire().isEmpty() && !heldElsewhere("42")))
                    .isTrue();
        }

        @Test
        void aListIsSeveralKeysTakenTogether() {
            assertThat(jobs.byList(() -> heldElsewhere("multi:a") && heldElsewhere("multi:b")))
                    .isTrue();
            assertThat(heldElsewhere("multi:a") || heldElsewhere("multi:b")).isFalse();
        }

        @Test
        void theRootObjectDescribesTheCall() {
            assertThat(jobs.byMethodName(() -> heldElsewhere("method:byMethodName")))
                    .isTrue();
        }

        @Test
        void beansAreReachableWithTheAtSign() {
            assertThat(jobs.byBean("z", () -> heldElsewhere("bean:z"))).isTrue();
        }

        @Test
        void anExpressionMayBuildALockKey() {
            assertThat(jobs.byLockKey(() ->
                            otherNode.advisory(LockKey.of(7, 8)).tryAcquire().isEmpty()))
                    .isTrue();
        }

        @Test
        void aNullKeyNamesTheMethodAndTheExpression() {
            assertThatThrownBy(() -> jobs.nullKey(null))
                    .isInstanceOf(LockUsageException.class)
                    .hasMessageContaining("\"#name\"")
                    .hasMessageContaining("KeyedJobs.nullKey(String)")
                    .hasMessageContaining("evaluated to null");
        }

        @Test
        void anEmptyKeyNamesTheMethodAndTheExpression() {
            assertThatThrownBy(() -> jobs.emptyKey())
                    .isInstanceOf(LockUsageException.class)
                    .hasMessageContaining("\"''\"")
                    .hasMessageContaining("KeyedJobs.emptyKey()")
                    .hasMessageContaining("blank");
        }

        @Test
        void aBlankKeyIsRefused() {
            assertThatThrownBy(() -> jobs.blankKey())
                    .isInstanceOf(LockUsageException.class)
                    .hasMessageContaining("\"'  '\"")
                    .hasMessageContaining("KeyedJobs.blankKey()")
                    .hasMessageContaining("blank");
        }

        @Test
        void aKeyBuiltFromANullVariableNamesTheMethodAndTheExpression() {
            assertThatThrownBy(() -> jobs.concatenated(null))
                    .isInstanceOf(LockUsageException.class)
                    .hasMessageContaining("\"'invoice:' + #id\"")
                    .hasMessageContaining("KeyedJobs.concatenated(Long)")
                    .hasMessageContaining("#id")
                    .hasMessageContaining("null");
            assertThatThrownBy(() -> jobs.concatenatedProperty(new KeyedJobs.Customer(), 1L))
                    .isInstanceOf(LockUsageException.class)
                    .hasMessageContaining("#invoice.customer");
            assertThat(heldElsewhere("invoice:null")).isFalse();
        }

        @Test
        void aConcatenatedKeyWithValuesStillWorks() {
            jobs.concatenated(5L);
        }

        @Test
        void anUnquotedConstantSaysItNeedsQuotes() {
            assertThatThrownBy(() -> jobs.unquotedConstant())
                    .isInstanceOf(LockUsageException.class)
                    .hasMessageContaining("KeyedJobs.unquotedConstant()")
                    .hasMessageContaining("needs quotes");
        }

        @Test
        void anUnsupportedTypeSaysWhatIsSupported() {
            assertThatThrownBy(() -> jobs.unsupportedType(UUID.randomUUID()))
                    .isInstanceOf(LockUsageException.class)
                    .hasMessageContaining("java.util.UUID")
                    .hasMessageContaining("a key must be a String");
        }

        @Test
        void anEmptyListIsRefused() {
            assertThatThrownBy(() -> jobs.emptyList())
                    .isInstanceOf(LockUsageException.class)
                    .hasMessageContaining("gave no key");
        }

        @Test
        void timeoutPlaceholdersComeFromTheEnvironment() {
            try (LockHandle blocker = otherNode.advisory("placeholder").acquire()) {
                long start = System.nanoTime();
                assertThatThrownBy(() -> jobs.placeholderTimeout()).isInstanceOf(LockTimeoutException.class);
                assertThat(Duration.ofNanos(System.nanoTime() - start))
                        .isGreaterThanOrEqualTo(Duration.ofMillis(100))
                        .isLessThan(Duration.ofSeconds(5));
            }
        }

        @Test
        void sharedLocksAdmitOtherSharedHoldersAndExcludeExclusiveOnes() {
            try (LockHandle reader = otherNode.advisory("shared").shared().acquire()) {
                assertThat(jobs.shared(() -> heldElsewhere("shared"))).isTrue();
            }
        }

        @Test
        void entityTablesComeFromTheTableNameResolverBean() {
            createTable("spring_orders");
            createTable("spring_entity_orders");
            assertThat(jobs.entityTables(
                            () -> !tableFreeElsewhere("spring_orders") && !tableFreeElsewhere("spring_entity_orders")))
                    .isTrue();
            assertThat(tableFreeElsewhere("spring_entity_orders")).isTrue();
        }
    }

    @Nested
    class Startup extends SpringFixture {

        @Test
        void skipOnAMethodReturningAPrimitiveIsRefused() {
            assertStartupFails(Misconfigured.SkipOnPrimitive.class, "SkipOnPrimitive.count()", "returns int");
        }

        @Test
        void invalidSpelIsRefused() {
            assertStartupFails(Misconfigured.BadSyntax.class, "BadSyntax.run()", "is not valid SpEL");
        }

        @Test
        void aMissingKeyIsRefused() {
            assertStartupFails(Misconfigured.NoKey.class, "NoKey.run()", "has no key");
        }

        @Test
        void aMalformedTimeoutIsRefused() {
            assertStartupFails(Misconfigured.BadTimeout.class, "\"two seconds\"", "ISO-8601");
        }

        @Test
        void aNegativeTimeoutIsRefused() {
            assertStartupFails(Misconfigured.NegativeTimeout.class, "\"PT-1S\"", "negative");
        }

        @Test
        void aTableLockWithoutTablesIsRefused() {
            assertStartupFails(Misconfigured.NoTables.class, "NoTables.run()", "names no table");
        }

        @Test
        void anInvalidTableNameIsRefused() {
            assertStartupFails(Misconfigured.BadTableName.class, "\"a.b.c\"", "more than one dot");
        }

        @Test
        void withoutADbLocksBeanTheFirstCallSaysWhatToDefine() {
            Jobs jobs = context(NoDbLocks.class, Jobs.class).getBean(Jobs.class);
            assertThatThrownBy(() -> jobs.run("a", () -> true))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("needs one DbLocks bean");
        }

        @Test
        void entitiesWithoutATableNameResolverSayWhatIsMissing() {
            KeyedJobs jobs = context(Configs.Defaults.class, KeyedJobs.class).getBean(KeyedJobs.class);
            assertThatThrownBy(() -> jobs.entityTables(() -> true))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("TableNameResolver");
        }

        private void assertStartupFails(Class<?> bean, String... messageParts) {
            Throwable failure = catchThrowable(() -> context(Configs.Defaults.class, bean));
            assertThat(failure).as("startup failure").isNotNull();
            Throwable cause = failure;
            while (cause != null && !(cause instanceof LockUsageException)) {
                cause = cause.getCause();
            }
            assertThat(cause)
                    .as("a LockUsageException in the cause chain of " + failure)
                    .isNotNull();
            assertThat(cause).hasMessageContainingAll(messageParts);
        }
    }

    @org.springframework.context.annotation.Configuration(proxyBeanMethods = false)
    @io.dblock.spring.annotation.EnableDbLocks
    static class NoDbLocks {}
}
