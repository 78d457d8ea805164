package io.dblock.spring;

import org.junit.jupiter.api.Nested;

/** Every engine-neutral contract of the module: {@link AdapterContracts} and those of transaction-bound locks. */
abstract class SpringContracts extends AdapterContracts {

    @Nested
    class TransactionBoundLocks extends TransactionalLocksContract {}

    @Nested
    class Ordering extends OrderingContract {}

    @Nested
    class RacingCounter extends RacingCounterContract {}

    @Nested
    class ConnectionBudget extends ConnectionBudgetContract {}
}
