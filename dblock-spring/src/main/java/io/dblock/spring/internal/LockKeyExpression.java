package io.dblock.spring.internal;

import io.dblock.LockKey;
import io.dblock.LockUsageException;
import java.lang.reflect.Array;
import java.lang.reflect.Method;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.context.expression.BeanFactoryResolver;
import org.springframework.context.expression.MethodBasedEvaluationContext;
import org.springframework.core.DefaultParameterNameDiscoverer;
import org.springframework.core.ParameterNameDiscoverer;
import org.springframework.expression.EvaluationException;
import org.springframework.expression.Expression;
import org.springframework.expression.ParseException;
import org.springframework.expression.spel.ExpressionState;
import org.springframework.expression.spel.SpelNode;
import org.springframework.expression.spel.ast.Literal;
import org.springframework.expression.spel.ast.OpPlus;
import org.springframework.expression.spel.standard.SpelExpression;
import org.springframework.expression.spel.standard.SpelExpressionParser;

/**
 * The SpEL key of an {@code @AdvisoryLock}, parsed once and evaluated per call against the call's arguments.
 *
 * <p>Variables come from {@link MethodBasedEvaluationContext}: {@code #name} when parameter names are known ({@code
 * -parameters}), and always {@code #p0}/{@code #a0}. The root object is a {@link LockExpressionRoot}.
 *
 * <p>A key must name something: a blank string is refused, and so is a string concatenation ({@code 'invoice:' +
 * #id}) one of whose operands is null, which SpEL would turn into {@code "invoice:null"} and so lock every call with a
 * missing id under one key. The operands are evaluated a second time only when the result contains {@code "null"}.
 */
final class LockKeyExpression {

    private static final SpelExpressionParser PARSER = new SpelExpressionParser();
    private static final ParameterNameDiscoverer PARAMETER_NAMES = new DefaultParameterNameDiscoverer();

    private final String text;
    private final Expression expression;
    private final Method method;
    private final String where;
    private final List<SpelNode> concatenated;

    private LockKeyExpression(String text, Expression expression, Method method, String where) {
        this.text = text;
        this.expression = expression;
        this.method = method;
        this.where = where;
        this.concatenated = new ArrayList<>();
        if (expression instanceof SpelExpression spel) {
            collectOperands(spel.getAST(), concatenated);
        }
    }

    /** The non-literal operands of a top-level chain of {@code +}. */
    private static void collectOperands(SpelNode node, List<SpelNode> operands) {
        if (!(node instanceof OpPlus)) {
            return;
        }
        for (int i = 0; i < node.getChildCount(); i++) {
            SpelNode child = node.getChild(i);
            if (child instanceof OpPlus) {
                collectOperands(child, operands);
            } else if (!(child instanceof Literal)) {
                operands.add(child);
            }
        }
    }

    static LockKeyExpression parse(String text, Method method, String where) {
        try {
            return new LockKeyExpression(text, PARSER.parseExpression(text), method, where);
        } catch (ParseException e) {
            throw new LockUsageException(
                    "key expression \"" + text + "\" of " + where + " is not valid SpEL: " + e.getMessage(),
                    null,
                    null,
                    null,
                    e);
        }
    }

    /**
     * Evaluates the key for one call.
     *
     * @throws LockUsageException naming the method and the expression if evaluation fails or gives no usable key
     */
    List<LockKey> evaluate(Object[] args, Object target, Class<?> targetClass, BeanFactory beans) {
        MethodBasedEvaluationContext context = new MethodBasedEvaluationContext(
                new LockExpressionRoot(method, args, target, targetClass), method, args, PARAMETER_NAMES);
        if (beans != null) {
            context.setBeanResolver(new BeanFactoryResolver(beans));
        }
        Object value;
        try {
            value = expression.getValue(context);
        } catch (EvaluationException e) {
            throw failure(
                    "could not be evaluated: " + e.getMessage() + " (arguments are #name, #p0 or #a0; a constant key"
                            + " needs quotes, e.g. \"'nightly-report'\")",
                    e);
        }
        if (value instanceof CharSequence name && name.toString().contains("null")) {
            refuseNullOperands(context);
        }
        List<LockKey> keys = new ArrayList<>();
        collect(value, keys);
        if (keys.isEmpty()) {
            throw failure("gave no key (an empty array or collection)", null);
        }
        return keys;
    }

    private void refuseNullOperands(MethodBasedEvaluationContext context) {
        for (SpelNode operand : concatenated) {
            Object part;
            try {
                part = operand.getValue(new ExpressionState(context));
            } catch (EvaluationException e) {
                continue; // the whole expression evaluated, so this cannot fail in a way that matters here
            }
            if (part == null) {
                throw failure(
                        "is built from " + operand.toStringAST() + ", which is null: the key would contain \"null\""
                                + " and every such call would share it" + parameterNameHint(),
                        null);
            }
        }
    }

    private void collect(Object value, List<LockKey> keys) {
        if (value == null) {
            throw failure("evaluated to null" + parameterNameHint(), null);
        } else if (value instanceof LockKey key) {
            keys.add(key);
        } else if (value instanceof CharSequence name) {
            if (name.toString().isBlank()) {
                throw failure("gave a blank name (\"" + name + "\"): a key must name something", null);
            }
            try {
                keys.add(LockKey.of(name.toString()));
            } catch (IllegalArgumentException e) {
                throw failure("gave a name that is not a valid key: " + e.getMessage(), e);
            }
        } else if (value instanceof Long
                || value instanceof Integer
                || value instanceof Short
                || value instanceof Byte) {
            keys.add(LockKey.of(((Number) value).longValue()));
        } else if (value instanceof BigInteger big && big.bitLength() < Long.SIZE) {
            keys.add(LockKey.of(big.longValue()));
        } else if (value instanceof Collection<?> collection) {
            collection.forEach(element -> collect(element, keys));
        } else if (value.getClass().isArray()) {
            for (int i = 0; i < Array.getLength(value); i++) {
                collect(Array.get(value, i), keys);
            }
        } else {
            throw failure(
                    "gave a " + value.getClass().getName() + "; a key must be a String, an integral Number, a LockKey,"
                            + " or an array or collection of them (for other values, build a string: \"'order:' +"
                            + " #order.id.toString()\")",
                    null);
        }
    }

    private String parameterNameHint() {
        boolean namesArgument = text.contains("#") && method.getParameterCount() > 0;
        if (namesArgument && PARAMETER_NAMES.getParameterNames(method) == null) {
            return " (parameter names are not available: compile with -parameters, or use #p0/#a0)";
        }
        return "";
    }

    private LockUsageException failure(String what, Throwable cause) {
        return new LockUsageException(
                "key expression \"" + text + "\" of " + where + " " + what, null, null, null, cause);
    }

    @Override
    public String toString() {
        return text;
    }
}
