package io.dblock.spring.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.core.annotation.AliasFor;

/**
 * Runs the annotated method holding a database advisory lock whose key is computed from the method's arguments.
 *
 * <pre>{@code
 * @AdvisoryLock("'invoice:' + #invoice.id")
 * public void send(Invoice invoice) { ... }
 *
 * @AdvisoryLock(key = "'nightly-report'", onTimeout = OnTimeout.SKIP)       // run on one node only, skip elsewhere
 * public void nightlyReport() { ... }
 *
 * @Transactional
 * @AdvisoryLock(key = "#accountId", scope = LockScope.TRANSACTION, timeout = "PT2S")
 * public void transfer(long accountId, ...) { ... }
 * }</pre>
 *
 * <p>Processed by the advisor that {@link EnableDbLocks} registers, on Spring proxies (JDK or CGLIB): calls from
 * inside the same object bypass the proxy and take no lock, as with {@code @Transactional}. The annotation is found on
 * the implementation method, on the interface method it implements, or on an overridden superclass method; it may be
 * used as a meta-annotation.
 *
 * <p>SQL: {@link LockScope#SESSION} is {@code DbLocks.advisory(keys).acquire()} ({@code pg_advisory_lock} / {@code
 * GET_LOCK}) before the call and its release after; {@link LockScope#TRANSACTION} is {@link
 * io.dblock.spring.TransactionalLocks#acquire(io.dblock.AdvisoryLock)}.
 */
@Target({ElementType.METHOD, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface AdvisoryLock {

    /** Alias for {@link #key()}. */
    @AliasFor("key")
    String value() default "";

    /**
     * The lock's key: a SpEL expression evaluated for each call. Required.
     *
     * <p>Variables: the arguments by name ({@code #invoice}; names need the {@code -parameters} compiler flag), or by
     * position ({@code #p0}, {@code #a0}); {@code #root.method}, {@code #root.args}, {@code #root.target}, {@code
     * #root.targetClass}; beans as {@code @beanName}. A constant key is a string literal in quotes: {@code
     * "'nightly-report'"}.
     *
     * <p>The result must be a {@code String} (hashed as {@link io.dblock.LockKey#of(String)}), an integral {@code
     * Number} ({@link io.dblock.LockKey#of(long)}; note that {@code 42} and {@code "42"} are different keys), a {@link
     * io.dblock.LockKey}, or an array or collection of these (several keys, taken all-or-nothing). A {@code null}
     * result, an empty collection, another type, or an evaluation error throws {@link io.dblock.LockUsageException}
     * naming the method and the expression; the method does not run. The expression is parsed when the proxy is
     * created, so a syntax error fails the application context's startup.
     */
    @AliasFor("value")
    String key() default "";

    /** A shared (reader) lock instead of an exclusive one; PostgreSQL only (elsewhere the call throws). Default false. */
    boolean shared() default false;

    /** How long the lock is held; default {@link LockScope#SESSION} (for the method call). */
    LockScope scope() default LockScope.SESSION;

    /**
     * How long to wait for the lock: an ISO-8601 duration ({@code "PT2S"}, {@code "PT0.5S"}) or whole milliseconds
     * ({@code "2000"}); {@code "0"} does not wait. {@code ${...}} placeholders are resolved from the environment.
     * Default {@code ""}: with {@link OnTimeout#THROW}, the {@link io.dblock.DbLocks#defaultTimeout()} of the {@code
     * DbLocks} bean (without limit unless configured); with {@link OnTimeout#SKIP}, no wait. A malformed or negative
     * value fails the startup (placeholders: the first call).
     */
    String timeout() default "";

    /** What happens when the lock is not granted within {@link #timeout()}; default {@link OnTimeout#THROW}. */
    OnTimeout onTimeout() default OnTimeout.THROW;
}
