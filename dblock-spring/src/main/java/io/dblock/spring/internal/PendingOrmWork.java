package io.dblock.spring.internal;

import jakarta.persistence.EntityManager;
import org.springframework.orm.jpa.EntityManagerHolder;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionSynchronizationUtils;
import org.springframework.util.ClassUtils;

/**
 * Sends an ORM's pending work to the database before a statement that must see it.
 *
 * <p>On MySQL/MariaDB, {@code LOCK TABLES} silently commits an open transaction, so dblock refuses it when the session
 * is inside one ({@code @@in_transaction}). Work an ORM holds back until flush time (a JPA {@code persist} not yet
 * flushed) is invisible to that check: it would be committed, or fail, at the transaction's end, after the tables were
 * locked. Flushing first makes it visible, and the check then refuses with its usual message.
 *
 * <p>What is flushed: every {@link org.springframework.transaction.support.TransactionSynchronization} registered on
 * the thread ({@link TransactionSynchronizationUtils#triggerFlush()}, which covers persistence contexts joined through
 * JTA or {@code SharedEntityManagerCreator}), and, when spring-orm and the JPA API are on the class path, the
 * {@code EntityManager} of every {@link EntityManagerHolder} bound to the thread that has joined its transaction (how
 * {@code JpaTransactionManager} exposes its persistence context). Without spring-orm, only the first applies.
 */
public final class PendingOrmWork {

    private static final boolean JPA = ClassUtils.isPresent(
                    "org.springframework.orm.jpa.EntityManagerHolder", PendingOrmWork.class.getClassLoader())
            && ClassUtils.isPresent("jakarta.persistence.EntityManager", PendingOrmWork.class.getClassLoader());

    private PendingOrmWork() {}

    /** Flushes what the current thread's transaction holds back; does nothing outside a synchronized transaction. */
    public static void flush() {
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationUtils.triggerFlush();
        }
        if (JPA) {
            Jpa.flush();
        }
    }

    /** Separate so that the JPA and spring-orm types load only when they are present. */
    private static final class Jpa {
        static void flush() {
            for (Object resource :
                    TransactionSynchronizationManager.getResourceMap().values()) {
                if (resource instanceof EntityManagerHolder holder) {
                    EntityManager entityManager = holder.getEntityManager();
                    if (entityManager.isOpen() && entityManager.isJoinedToTransaction()) {
                        entityManager.flush();
                    }
                }
            }
        }
    }
}
