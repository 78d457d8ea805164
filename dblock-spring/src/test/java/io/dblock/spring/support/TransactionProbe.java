package io.dblock.spring.support;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Records a condition at the phases of the current transaction's end: before commit, after commit, after completion.
 * Register it inside the transaction; read the observations after it ended.
 */
public final class TransactionProbe {

    private final Map<String, Boolean> observed = new ConcurrentHashMap<>();
    private final List<String> phases = new CopyOnWriteArrayList<>();

    /** Observes {@code condition} at each phase of the current transaction. */
    public void watch(BooleanSupplier condition) {
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void beforeCommit(boolean readOnly) {
                record("beforeCommit", condition);
            }

            @Override
            public void afterCommit() {
                record("afterCommit", condition);
            }

            @Override
            public void afterCompletion(int status) {
                record("afterCompletion", condition);
            }
        });
    }

    private void record(String phase, BooleanSupplier condition) {
        phases.add(phase);
        observed.put(phase, condition.getAsBoolean());
    }

    /** What the condition was at {@code phase}; fails if the phase did not happen. */
    public boolean at(String phase) {
        Boolean value = observed.get(phase);
        if (value == null) {
            throw new AssertionError("the transaction never reached " + phase + " (phases seen: " + phases + ")");
        }
        return value;
    }

    /** The phases in the order they happened. */
    public List<String> phases() {
        return List.copyOf(phases);
    }
}
