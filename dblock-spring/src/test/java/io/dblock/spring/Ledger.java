package io.dblock.spring;

import io.dblock.spring.annotation.AdvisoryLock;
import io.dblock.spring.annotation.LockScope;
import org.springframework.transaction.annotation.Transactional;

/** Methods that combine {@code @Transactional} with locks in different ways, for the ordering tests. */
public class Ledger {

    @Transactional
    @AdvisoryLock(key = "'ledger'", scope = LockScope.SESSION)
    public void transactionalFirst(Runnable work) {
        work.run();
    }

    @AdvisoryLock(key = "'ledger'", scope = LockScope.SESSION)
    @Transactional
    public void lockFirst(Runnable work) {
        work.run();
    }

    @AdvisoryLock(key = "'ledger'", scope = LockScope.SESSION)
    public void sessionLockOnly(Runnable work) {
        work.run();
    }

    @Transactional
    @AdvisoryLock("'ledger'")
    public void byDefault(Runnable work) {
        work.run();
    }

    @AdvisoryLock("'ledger'")
    public void byDefaultWithoutTransaction(Runnable work) {
        work.run();
    }

    @Transactional
    @AdvisoryLock(key = "'ledger'", scope = LockScope.TRANSACTION)
    public void transactionScoped(Runnable work) {
        work.run();
    }

    /** A caller whose transaction the ledger's methods join. */
    public static class Caller {
        private final Ledger ledger;

        public Caller(Ledger ledger) {
            this.ledger = ledger;
        }

        @Transactional
        public void callSessionLocked(Runnable work) {
            ledger.sessionLockOnly(work);
        }

        @Transactional
        public void callByDefault(Runnable work) {
            ledger.byDefaultWithoutTransaction(work);
        }

        @Transactional
        public void callTransactionScoped(Runnable work) {
            ledger.transactionScoped(work);
        }
    }
}
