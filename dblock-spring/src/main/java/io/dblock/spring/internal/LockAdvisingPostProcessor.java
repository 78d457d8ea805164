package io.dblock.spring.internal;

import org.springframework.aop.framework.autoproxy.AbstractBeanFactoryAwareAdvisingPostProcessor;
import org.springframework.aop.support.DefaultPointcutAdvisor;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.core.Ordered;

/**
 * Adds one of dblock's interceptors to the beans that have annotated methods: to the proxy they already have (made by
 * an auto-proxy creator, which runs before every ordinary post-processor), or to a new proxy.
 *
 * <p>The interceptor's place in the chain is positional, not by order value: the outer one goes first ({@code
 * beforeExistingAdvisors}), the inner one always last. That puts transaction-bound locks inside
 * {@code @Transactional}'s interceptor whatever that advisor's order is, which an order value cannot guarantee (the
 * transaction advisor's default order is already {@link Ordered#LOWEST_PRECEDENCE}). This post-processor runs after
 * the session one ({@link Ordered#LOWEST_PRECEDENCE} vs one less), so its interceptor ends up innermost.
 */
public final class LockAdvisingPostProcessor extends AbstractBeanFactoryAwareAdvisingPostProcessor
        implements org.springframework.beans.factory.SmartInitializingSingleton {

    private static final long serialVersionUID = 1L;

    private final LockKind kind;

    private final boolean sessionLocksOutermost;

    private LockAdvisingPostProcessor(
            LockKind kind, boolean sessionLocksOutermost, boolean proxyTargetClass, int order) {
        this.kind = kind;
        this.sessionLocksOutermost = sessionLocksOutermost;
        this.beforeExistingAdvisors = kind == LockKind.OUTER;
        setProxyTargetClass(proxyTargetClass);
        setOrder(order);
    }

    /**
     * The post-processor of the outer interceptor: session locks placed around the transaction, and the loss guard.
     *
     * @param sessionLocksOutermost whether {@code scope = SESSION} locks sit outermost ({@code AROUND_TRANSACTION})
     */
    static LockAdvisingPostProcessor sessionLocks(boolean sessionLocksOutermost, boolean proxyTargetClass) {
        return new LockAdvisingPostProcessor(
                LockKind.OUTER, sessionLocksOutermost, proxyTargetClass, Ordered.LOWEST_PRECEDENCE - 1);
    }

    /** The post-processor of the inner interceptor: transaction-bound locks and the before-commit checks. */
    static LockAdvisingPostProcessor transactionLocks(boolean sessionLocksOutermost, boolean proxyTargetClass) {
        return new LockAdvisingPostProcessor(
                LockKind.INNER, sessionLocksOutermost, proxyTargetClass, Ordered.LOWEST_PRECEDENCE);
    }

    @Override
    public void setBeanFactory(BeanFactory beanFactory) {
        super.setBeanFactory(beanFactory);
        this.factory = beanFactory;
        LockBeans beans = new LockBeans(beanFactory);
        LockAttributeSource source = new LockAttributeSource();
        this.source = source;
        LockInterceptor interceptor = new LockInterceptor(kind, sessionLocksOutermost, source, beans);
        this.advisor = new DefaultPointcutAdvisor(new LockPointcut(kind, source), interceptor);
    }

    private transient BeanFactory factory;
    private transient LockAttributeSource source;

    /**
     * Once every bean exists (so every annotated method was read): on MySQL/MariaDB, refuses {@code @TableLock(entities =
     * ...)} at startup. {@code LOCK TABLES} covers a table only under the names it lists, and Hibernate gives every
     * table an alias in the SQL it generates ({@code ie1_0}), plus sequence, join and element-collection tables:
     * every JPA statement inside the locked method would fail with error 1100 or 1099. {@code tables = ...} stays
     * allowed for hand-written, un-aliased SQL.
     */
    @Override
    public void afterSingletonsInstantiated() {
        if (kind != LockKind.INNER || factory == null || source == null) {
            return;
        }
        io.dblock.DbLocks locks =
                factory.getBeanProvider(io.dblock.DbLocks.class).getIfUnique();
        if (locks == null
                || !(locks.engineName().equals("MariaDB") || locks.engineName().equals("MySQL"))) {
            return;
        }
        for (TableLockDefinition table : source.tableLocks()) {
            if (table.hasEntities()) {
                throw new io.dblock.LockUsageException(
                        table.where() + " locks entity tables, which " + locks.engineName() + " cannot do for JPA:"
                                + " LOCK TABLES covers a table only under the aliases it names, and Hibernate aliases"
                                + " every table it queries (and uses sequence, join and element-collection tables), so"
                                + " every JPA statement inside would fail with error 1100. Use @AdvisoryLock around"
                                + " the work, a row lock (LockModeType.PESSIMISTIC_WRITE, SELECT ... FOR UPDATE), or"
                                + " @TableLock(tables = ...) with hand-written SQL that does not alias the tables",
                        null);
            }
        }
    }
}
