package io.dblock.spring.internal;

import io.dblock.LockKey;
import io.dblock.LockUsageException;
import io.dblock.spring.annotation.AdvisoryLock;
import io.dblock.spring.annotation.LockScope;
import java.lang.reflect.Method;
import java.util.List;
import org.springframework.beans.factory.BeanFactory;

/** A validated {@link AdvisoryLock} annotation of one method. */
record AdvisoryLockDefinition(
        LockKeyExpression key,
        boolean shared,
        LockScope scope,
        boolean failOnLoss,
        LockTimeout timeout,
        Method method) {

    static AdvisoryLockDefinition of(AdvisoryLock annotation, Method method) {
        String described = LockAttributeSource.describe(method);
        String where = "@AdvisoryLock on " + described;
        if (annotation.key().isBlank()) {
            throw new LockUsageException(
                    where + " has no key: give a SpEL expression, e.g. key = \"'invoice:' + #invoice.id\"", null);
        }
        LockTimeout timeout = LockTimeout.of(annotation.timeout(), annotation.onTimeout(), where);
        SkipValues.check(method, timeout, where);
        return new AdvisoryLockDefinition(
                LockKeyExpression.parse(annotation.key(), method, where),
                annotation.shared(),
                annotation.scope(),
                annotation.failOnLoss(),
                timeout,
                method);
    }

    /** The keys for one call. */
    List<LockKey> keys(Object[] args, Object target, Class<?> targetClass, BeanFactory beans) {
        return key.evaluate(args, target, targetClass, beans);
    }

    /** Describes the method for messages. */
    String where() {
        return "@AdvisoryLock on " + LockAttributeSource.describe(method);
    }
}
