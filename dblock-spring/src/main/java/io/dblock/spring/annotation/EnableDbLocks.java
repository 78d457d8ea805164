package io.dblock.spring.annotation;

import io.dblock.spring.internal.DbLocksRegistrar;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.context.annotation.Import;

/**
 * Turns on {@link AdvisoryLock} and {@link TableLock} on the beans of this application context.
 *
 * <pre>{@code
 * @Configuration
 * @EnableTransactionManagement
 * @EnableDbLocks
 * class LockConfig {
 *     @Bean DbLocks dbLocks(DataSource dataSource) { return DbLocks.create(dataSource); }
 * }
 * }</pre>
 *
 * <p>It registers two bean post-processors that add dblock's interceptors to the beans with annotated methods, without
 * AspectJ: to the proxy another feature (such as {@code @Transactional}) already made, or to a new proxy. Session locks
 * go outermost by default ({@link SessionLockPlacement#AROUND_TRANSACTION}); transaction-bound locks go innermost, so
 * they always run inside a {@code @Transactional} of the same method, whatever the transaction advisor's order.
 *
 * <p>Beans used, looked up at the first annotated call: a {@link io.dblock.DbLocks} (required); a {@link
 * io.dblock.spring.TransactionalLocks} for transaction-bound locks, else one made from the {@code DbLocks} and the
 * unique {@code DataSource} bean; a {@link io.dblock.spring.TableNameResolver} for {@link TableLock#entities()}.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Import(DbLocksRegistrar.class)
public @interface EnableDbLocks {

    /**
     * Whether proxies this feature creates itself subclass the bean's class (CGLIB) instead of implementing its
     * interfaces (JDK proxies). Beans that another feature already proxies keep that proxy. Default {@code false}: JDK
     * proxies for beans with interfaces, CGLIB for the others.
     */
    boolean proxyTargetClass() default false;

    /** Where session locks sit relative to {@code @Transactional}; default {@link SessionLockPlacement#AROUND_TRANSACTION}. */
    SessionLockPlacement sessionLocks() default SessionLockPlacement.AROUND_TRANSACTION;
}
