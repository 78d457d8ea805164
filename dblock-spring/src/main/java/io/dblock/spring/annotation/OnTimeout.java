package io.dblock.spring.annotation;

/** What an annotated method does when its lock is not granted within the annotation's timeout. */
public enum OnTimeout {

    /** Throw {@link io.dblock.LockTimeoutException}; the method does not run. */
    THROW,

    /**
     * Do not run the method, and return "nothing": {@code null} for a method returning an object, {@link
     * java.util.Optional#empty()} for one returning {@code Optional}; a {@code void} method simply does not run. Methods
     * returning a primitive cannot be skipped (there is no "nothing" to return) and are refused when the proxy is
     * created. Without a {@code timeout}, {@code SKIP} does not wait at all: the method runs only if the lock is free.
     *
     * <p>The Python libraries this mirrors also have a "return" outcome (tell the caller the lock was not acquired).
     * An annotated method has no acquisition result to return besides its own, so that outcome is this one: the caller
     * sees {@code null} or {@code Optional.empty()}.
     */
    SKIP
}
