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
 * @AdvisoryLock(key = "#accountId", timeout = "PT2S")       // on the transaction's connection, until it ends
 * public void transfer(long accountId, ...) { ... }
 * }</pre>
 *
 * <p>Processed by the advisor that {@link EnableDbLocks} registers, on Spring proxies (JDK or CGLIB): calls from
 * inside the same object bypass the proxy and take no lock, as with {@code @Transactional}. The annotation is found on
 * the implementation method, on the interface method it implements, or on an overridden superclass method; it may be
 * used as a meta-annotation.
 *
 * <p>SQL: {@link LockScope#AUTO} (the default) is {@link LockScope#TRANSACTION} inside a transaction and {@link
 * LockScope#SESSION} elsewhere; {@link LockScope#SESSION} is {@code DbLocks.advisory(keys).acquire()} ({@code pg_advisory_lock} / {@code
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

    /**
     * How long the lock is held and on which connection; default {@link LockScope#AUTO}: on the transaction's own
     * connection until it ends when a transaction is active, else a session lock for the method call. {@link
     * LockScope#SESSION} is the behaviour of earlier versions (a session lock on a second connection, around {@code
     * @Transactional}).
     */
    LockScope scope() default LockScope.AUTO;

    /**
     * Whether losing the lock while the method runs fails the call. Default {@code true}:
     *
     * <ul>
     *   <li>if the lock guards a Spring-managed transaction that commits while the lock is meant to be held (the
     *       method's own {@code @Transactional}, or a caller's for transaction-bound locks), dblock asks the server,
     *       in {@code beforeCommit} and on the transaction's connection, whether the lock is still held (PostgreSQL:
     *       one query on {@code pg_locks}; MySQL/MariaDB: {@code IS_USED_LOCK}). If it is gone, or the question
     *       fails, the commit throws {@link io.dblock.LockLostException} and the transaction rolls back, so work done
     *       under a lost lock is never committed;
     *   <li>a session lock found lost by the end of the call (by the watchdog, see {@link
     *       io.dblock.LockHandle#onLost}, or by its release) makes the call throw {@link io.dblock.LockLostException}
     *       after the method body, also when the method returned normally. An exception of the method itself is
     *       kept, with the loss added as suppressed.
     * </ul>
     *
     * <p>When the transaction belongs to a caller, the check runs at that caller's commit and fails it. With {@code
     * false}, a lost lock is reported only to listeners and {@code onLost} callbacks, as in earlier versions.
     */
    boolean failOnLoss() default true;

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
