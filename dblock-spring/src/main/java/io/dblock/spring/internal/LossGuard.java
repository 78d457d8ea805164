package io.dblock.spring.internal;

import io.dblock.LockHandle;
import io.dblock.LockLostException;
import org.aopalliance.intercept.MethodInvocation;
import org.springframework.aop.ProxyMethodInvocation;

/**
 * What one annotated call has learnt about the loss of its lock, shared by the call's two interceptors through the
 * invocation's user attributes. The outer interceptor creates it and, once everything inside (the transaction's commit
 * included) has ended, turns a recorded loss into the call's {@link LockLostException}.
 *
 * <p>Written by the call's thread and by the watchdog's ({@link LockHandle#onLost}), hence volatile fields.
 */
final class LossGuard {

    private static final String ATTRIBUTE = LossGuard.class.getName();

    private volatile LockLostException lost;
    private volatile Throwable bodyFailure;
    private volatile LockHandle sessionHandle;
    private volatile boolean finished;

    /** Creates a guard for {@code invocation} and attaches it, if the invocation can carry attributes. */
    static LossGuard attach(MethodInvocation invocation) {
        LossGuard guard = new LossGuard();
        if (invocation instanceof ProxyMethodInvocation proxied) {
            proxied.setUserAttribute(ATTRIBUTE, guard);
        }
        return guard;
    }

    /** The guard the outer interceptor attached to this call, or null ({@code failOnLoss = false}). */
    static LossGuard of(MethodInvocation invocation) {
        return invocation instanceof ProxyMethodInvocation proxied
                ? (LossGuard) proxied.getUserAttribute(ATTRIBUTE)
                : null;
    }

    /** Records a loss; the first one wins. */
    void lost(LockLostException e) {
        if (lost == null) {
            lost = e;
        }
    }

    LockLostException lost() {
        return lost;
    }

    /** Records that the method body itself threw {@code e}: that exception stays the call's. */
    void bodyFailed(Throwable e) {
        bodyFailure = e;
    }

    /** The session lock the outer interceptor holds for this call, or null. */
    LockHandle sessionHandle() {
        return sessionHandle;
    }

    void sessionHandle(LockHandle handle) {
        sessionHandle = handle;
    }

    /** Whether the call is still running (a before-commit check of a session lock applies only then). */
    boolean running() {
        return !finished;
    }

    /**
     * Ends the call: marks the guard finished and decides what the call throws.
     *
     * @param failure what the call threw, or null if it returned
     * @return the exception the call must throw, or null to return normally
     */
    Throwable finish(Throwable failure) {
        finished = true;
        LockLostException loss = lost;
        if (loss == null || loss == failure) {
            return failure;
        }
        if (failure != null && failure == bodyFailure) {
            failure.addSuppressed(loss);
            return failure;
        }
        if (failure != null) {
            loss.addSuppressed(failure);
        }
        return loss;
    }
}
