package io.dblock.spring.internal;

import io.dblock.LockUsageException;
import io.dblock.spring.annotation.OnTimeout;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import org.springframework.util.StringValueResolver;

/**
 * An annotation's {@code timeout} and {@code onTimeout}: how long to wait and what happens then.
 *
 * <p>The text is an ISO-8601 duration or whole milliseconds, parsed when the proxy is created; text with {@code ${...}}
 * placeholders is resolved and parsed at each call.
 */
record LockTimeout(String text, Duration parsed, OnTimeout onTimeout, String method) {

    static LockTimeout of(String text, OnTimeout onTimeout, String method) {
        String trimmed = text.trim();
        Duration parsed = trimmed.isEmpty() || trimmed.contains("${") ? null : parse(trimmed, method);
        return new LockTimeout(trimmed, parsed, onTimeout, method);
    }

    /**
     * How long to wait: null means "the DbLocks default" (only with {@link OnTimeout#THROW}); {@link OnTimeout#SKIP}
     * without a timeout does not wait.
     */
    Duration wait(StringValueResolver resolver) {
        Duration wait = parsed;
        if (wait == null && !text.isEmpty()) {
            String resolved = resolver == null ? text : resolver.resolveStringValue(text);
            wait = resolved == null || resolved.isBlank() ? null : parse(resolved.trim(), method);
        }
        return wait == null && onTimeout == OnTimeout.SKIP ? Duration.ZERO : wait;
    }

    boolean skips() {
        return onTimeout == OnTimeout.SKIP;
    }

    private static Duration parse(String text, String method) {
        Duration duration;
        try {
            duration = text.chars().allMatch(Character::isDigit)
                    ? Duration.ofMillis(Long.parseLong(text))
                    : Duration.parse(text);
        } catch (DateTimeParseException | NumberFormatException e) {
            throw new LockUsageException(
                    "timeout \"" + text + "\" on " + method + " is neither an ISO-8601 duration (\"PT2S\") nor whole"
                            + " milliseconds (\"2000\")",
                    null,
                    null,
                    null,
                    e);
        }
        if (duration.isNegative()) {
            throw new LockUsageException("timeout \"" + text + "\" on " + method + " is negative", null);
        }
        return duration;
    }
}
