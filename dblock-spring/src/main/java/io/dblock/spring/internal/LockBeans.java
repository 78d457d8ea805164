package io.dblock.spring.internal;

import io.dblock.DbLocks;
import io.dblock.spring.TableNameResolver;
import io.dblock.spring.TransactionalLocks;
import javax.sql.DataSource;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.config.ConfigurableBeanFactory;
import org.springframework.util.StringValueResolver;

/**
 * The beans the interceptors use, looked up at the first annotated call (a post-processor must not pull them in while
 * the context is still creating beans).
 */
final class LockBeans {

    private final BeanFactory beanFactory;
    private volatile DbLocks locks;
    private volatile TransactionalLocks transactionalLocks;

    LockBeans(BeanFactory beanFactory) {
        this.beanFactory = beanFactory;
    }

    BeanFactory beanFactory() {
        return beanFactory;
    }

    /** Resolves {@code ${...}} in annotation attributes, or null outside a configurable bean factory. */
    StringValueResolver placeholders() {
        return beanFactory instanceof ConfigurableBeanFactory configurable ? configurable::resolveEmbeddedValue : null;
    }

    DbLocks locks() {
        DbLocks found = locks;
        if (found == null) {
            found = beanFactory.getBeanProvider(DbLocks.class).getIfUnique();
            if (found == null) {
                throw new IllegalStateException("@EnableDbLocks needs one DbLocks bean, e.g. @Bean DbLocks"
                        + " dbLocks(DataSource dataSource) { return DbLocks.create(dataSource); }");
            }
            locks = found;
        }
        return found;
    }

    /** The {@link TransactionalLocks}, or null when there is none and no unique {@code DataSource} to make one. */
    TransactionalLocks transactionalLocksIfAvailable() {
        TransactionalLocks found = transactionalLocks;
        if (found != null) {
            return found;
        }
        if (beanFactory.getBeanProvider(TransactionalLocks.class).getIfUnique() == null
                && beanFactory.getBeanProvider(DataSource.class).getIfUnique() == null) {
            return null;
        }
        return transactionalLocks();
    }

    TransactionalLocks transactionalLocks() {
        TransactionalLocks found = transactionalLocks;
        if (found == null) {
            found = beanFactory.getBeanProvider(TransactionalLocks.class).getIfUnique();
            if (found == null) {
                DataSource dataSource =
                        beanFactory.getBeanProvider(DataSource.class).getIfUnique();
                if (dataSource == null) {
                    throw new IllegalStateException("transaction-bound lock annotations need to know the DataSource"
                            + " of the transactions: define a TransactionalLocks bean (new TransactionalLocks(dbLocks,"
                            + " dataSource)), or have exactly one DataSource bean");
                }
                found = new TransactionalLocks(locks(), dataSource);
            }
            transactionalLocks = found;
        }
        return found;
    }

    TableNameResolver tableNameResolver() {
        TableNameResolver found =
                beanFactory.getBeanProvider(TableNameResolver.class).getIfUnique();
        if (found == null) {
            throw new IllegalStateException("@TableLock(entities = ...) needs one TableNameResolver bean to map entity"
                    + " classes to tables (dblock-jpa provides one), or name the tables with tables = {...}");
        }
        return found;
    }
}
