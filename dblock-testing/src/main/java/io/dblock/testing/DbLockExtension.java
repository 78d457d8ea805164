package io.dblock.testing;

import java.time.Duration;
import java.util.Optional;
import javax.sql.DataSource;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension that injects a shared database server and fails tests that leak locks; usually registered through
 * {@link DatabaseTest} or {@link PostgresTest}.
 *
 * <p>The engine comes from the nearest {@link DatabaseTest} or {@link PostgresTest} (test method, test class, then
 * enclosing classes as JUnit runs them); without either it is {@link Engine#POSTGRES}. Parameters of type {@link
 * DataSource} receive {@code engine.database().dataSource()} (non-pooling; close what you open) and parameters of type
 * {@link TestDatabase} receive {@link Engine#database()}. This works for test methods, {@code @BeforeEach}/{@code
 * @BeforeAll} methods and constructors. The server starts on first use. If the engine cannot run here ({@link
 * Engine#unavailableReason()}), the tests are skipped with that reason.
 *
 * <p>After each test (and after its {@code @AfterEach} methods), unless turned off by {@code leakCheck = false} or
 * {@link NoLeakCheck} on the method or class, the extension looks for locks that sessions other than its own still hold
 * or await: advisory locks in the test database on PostgreSQL, user-level locks ({@code GET_LOCK}) of connections of
 * the test user on MySQL and MariaDB. It waits up to 5 seconds, or the milliseconds given by the configuration
 * parameter {@value #LEAK_CHECK_TIMEOUT_PARAMETER}, for them to go; if some remain, it terminates their sessions and
 * fails the test with a list of the locks. The check assumes no other test uses the server concurrently.
 *
 * <p>The extension is stateless and thread-safe.
 */
public final class DbLockExtension implements ParameterResolver, AfterEachCallback, ExecutionCondition {

    /** JUnit configuration parameter: how long, in milliseconds, the leak check waits for locks to be released. */
    public static final String LEAK_CHECK_TIMEOUT_PARAMETER = "dblock.testing.leak-check.timeout-ms";

    /** The {@link org.junit.jupiter.api.parallel.ResourceLock} key that {@link PostgresTest} tests share. */
    public static final String RESOURCE_LOCK = "io.dblock.testing.postgres";

    /** Creates the extension; JUnit does this when it is registered. */
    public DbLockExtension() {}

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        Engine engine = EngineSelection.of(context).engine();
        Optional<String> unavailable = engine.unavailableReason();
        return unavailable.isPresent()
                ? ConditionEvaluationResult.disabled(unavailable.get())
                : ConditionEvaluationResult.enabled(engine + " is available");
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        Class<?> type = parameterContext.getParameter().getType();
        return type == DataSource.class || type == TestDatabase.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        TestDatabase database = EngineSelection.of(extensionContext).engine().database();
        return parameterContext.getParameter().getType() == DataSource.class ? database.dataSource() : database;
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        EngineSelection selection = EngineSelection.of(context);
        if (selection.leakCheck()) {
            LeakCheck.verify(selection.engine().database(), leakCheckTimeout(context));
        }
    }

    private static Duration leakCheckTimeout(ExtensionContext context) {
        return context.getConfigurationParameter(LEAK_CHECK_TIMEOUT_PARAMETER, Long::parseLong)
                .map(Duration::ofMillis)
                .orElse(LeakCheck.DEFAULT_TIMEOUT);
    }
}
