package io.dblock.spring.annotation;

import io.dblock.TableLockMode;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.core.annotation.AliasFor;

/**
 * Locks tables in the surrounding Spring-managed transaction before the annotated method runs; the locks end with that
 * transaction.
 *
 * <pre>{@code
 * @Transactional
 * @TableLock(tables = {"orders", "sales.order_items"}, mode = TableLockMode.SHARE_ROW_EXCLUSIVE, timeout = "PT5S")
 * public void renumberOrders() { ... }
 * }</pre>
 *
 * <p>Needs an active transaction when the method is called, from {@code @Transactional} on the method or on a caller
 * (the advisor sits inside the transaction interceptor, see {@link SessionLockPlacement}); otherwise the call throws
 * {@link io.dblock.LockUsageException} and the method does not run. SQL: {@link
 * io.dblock.spring.TransactionalLocks#acquire(io.dblock.TableLock)}: PostgreSQL {@code LOCK TABLE ... IN <mode> MODE};
 * MySQL/MariaDB {@code LOCK TABLES ...} (modes {@code SHARE} = {@code READ} and {@code ACCESS_EXCLUSIVE} = {@code
 * WRITE} only; it must be the transaction's first statement, so put {@code @Transactional} on this method, and the
 * transaction may touch only the locked tables), with {@code UNLOCK TABLES} after completion.
 */
@Target({ElementType.METHOD, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface TableLock {

    /** Alias for {@link #tables()}. */
    @AliasFor("tables")
    String[] value() default {};

    /**
     * The tables, as for {@link io.dblock.TableName#parse(String)}: {@code "orders"} or {@code "sales.orders"}; taken
     * literally and case-sensitively. Checked when the proxy is created.
     */
    @AliasFor("value")
    String[] tables() default {};

    /**
     * Entity classes whose tables to lock as well, resolved by the {@link io.dblock.spring.TableNameResolver} bean
     * (which {@code dblock-jpa} provides). Without such a bean, a method naming entities fails at its first call.
     */
    Class<?>[] entities() default {};

    /** The mode for every table; default {@link TableLockMode#ACCESS_EXCLUSIVE}, as PostgreSQL's {@code LOCK TABLE}. */
    TableLockMode mode() default TableLockMode.ACCESS_EXCLUSIVE;

    /**
     * How long to wait: an ISO-8601 duration or whole milliseconds, as {@link AdvisoryLock#timeout()}; {@code "0"} is
     * {@code NOWAIT}. Default {@code ""}: the {@code DbLocks} default with {@link OnTimeout#THROW}, no wait with {@link
     * OnTimeout#SKIP}.
     */
    String timeout() default "";

    /** What happens when the tables are not locked within {@link #timeout()}; default {@link OnTimeout#THROW}. */
    OnTimeout onTimeout() default OnTimeout.THROW;
}
