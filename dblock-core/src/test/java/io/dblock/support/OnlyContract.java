package io.dblock.support;

import java.util.Locale;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs one contract of a binding when {@code -Ddblock.contract=<name>} is given (or several: {@code
 * -Ddblock.contract=Watchdogs,Fencing}): the binding's {@code @Nested} class of
 * that simple name ({@code Watchdogs}) or extending the contract of that simple name ({@code WatchdogContract}), case
 * ignored; every other nested class of the binding is skipped, with that reason. Without the property, everything runs.
 * Surefire cannot select an inherited nested class by name ({@code -Dtest='MariaDb114Test$Watchdogs'} names a class that
 * does not exist), so the bindings' base classes register this condition.
 */
public final class OnlyContract implements ExecutionCondition {

    /** The system property naming the one contract to run. */
    public static final String PROPERTY = "dblock.contract";

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        String wanted = System.getProperty(PROPERTY, "").trim();
        if (wanted.isEmpty() || context.getTestMethod().isPresent()) {
            return ConditionEvaluationResult.enabled("no single contract asked for");
        }
        Class<?> type = context.getRequiredTestClass();
        if (type.getEnclosingClass() == null) {
            return ConditionEvaluationResult.enabled("the binding itself");
        }
        return names(type, wanted)
                ? ConditionEvaluationResult.enabled(PROPERTY + "=" + wanted)
                : ConditionEvaluationResult.disabled("only " + PROPERTY + "=" + wanted + " runs");
    }

    /** Whether {@code nested} or a superclass has one of the comma-separated names in {@code wanted}. */
    private static boolean names(Class<?> nested, String wanted) {
        java.util.Set<String> names = new java.util.HashSet<>();
        for (String name : wanted.split(",")) {
            names.add(name.trim().toLowerCase(Locale.ROOT));
        }
        for (Class<?> c = nested; c != null && c != Object.class; c = c.getSuperclass()) {
            if (names.contains(c.getSimpleName().toLowerCase(Locale.ROOT))) {
                return true;
            }
        }
        return false;
    }
}
