package io.dblock.testing;

import java.lang.reflect.AnnotatedElement;
import java.time.Duration;
import java.util.Optional;
import javax.sql.DataSource;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * JUnit 5 extension that injects the shared PostgreSQL server and fails tests that leak advisory locks; usually
 * registered through {@link PostgresTest}.
 *
 * <p>Parameters of type {@link DataSource} receive {@code TestDatabase.postgres().dataSource()} (non-pooling; close
 * what you open) and parameters of type {@link TestDatabase} receive {@link TestDatabase#postgres()}. This works for
 * test methods, {@code @BeforeEach}/{@code @BeforeAll} methods and constructors. The server starts on first use.
 *
 * <p>After each test (and after its {@code @AfterEach} methods), unless {@link PostgresTest#leakCheck()} is {@code
 * false} on the method or class, the extension looks for advisory locks that sessions other than its own still hold or
 * await in the test database. It waits up to 5 seconds, or the milliseconds given by the configuration parameter
 * {@value #LEAK_CHECK_TIMEOUT_PARAMETER}, for them to go; if some remain, it terminates their sessions and fails the
 * test with a list of the locks. The check assumes no other test uses the database concurrently.
 *
 * <p>The extension is stateless and thread-safe.
 */
public final class DbLockExtension implements ParameterResolver, AfterEachCallback {

    /** JUnit configuration parameter: how long, in milliseconds, the leak check waits for locks to be released. */
    public static final String LEAK_CHECK_TIMEOUT_PARAMETER = "dblock.testing.leak-check.timeout-ms";

    /** The {@link org.junit.jupiter.api.parallel.ResourceLock} key that {@link PostgresTest} tests share. */
    public static final String RESOURCE_LOCK = "io.dblock.testing.postgres";

    /** Creates the extension; JUnit does this when it is registered. */
    public DbLockExtension() {}

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        Class<?> type = parameterContext.getParameter().getType();
        return type == DataSource.class || type == TestDatabase.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        TestDatabase database = TestDatabase.postgres();
        return parameterContext.getParameter().getType() == DataSource.class ? database.dataSource() : database;
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        if (leakCheckEnabled(context)) {
            LeakCheck.verify(TestDatabase.postgres(), leakCheckTimeout(context));
        }
    }

    private static boolean leakCheckEnabled(ExtensionContext context) {
        Optional<PostgresTest> onMethod = find(context.getTestMethod().orElse(null));
        if (onMethod.isPresent()) {
            return onMethod.get().leakCheck();
        }
        // @Inherited does not reach @Nested classes, so also look at the enclosing classes.
        for (Class<?> type = context.getTestClass().orElse(null); type != null; type = type.getEnclosingClass()) {
            Optional<PostgresTest> onClass = find(type);
            if (onClass.isPresent()) {
                return onClass.get().leakCheck();
            }
        }
        return true;
    }

    private static Optional<PostgresTest> find(AnnotatedElement element) {
        return AnnotationSupport.findAnnotation(element, PostgresTest.class);
    }

    private static Duration leakCheckTimeout(ExtensionContext context) {
        return context.getConfigurationParameter(LEAK_CHECK_TIMEOUT_PARAMETER, Long::parseLong)
                .map(Duration::ofMillis)
                .orElse(LeakCheck.DEFAULT_TIMEOUT);
    }
}
