package io.dblock.spring.internal;

import io.dblock.spring.annotation.EnableDbLocks;
import io.dblock.spring.annotation.SessionLockPlacement;
import java.util.Map;
import java.util.Objects;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.core.type.AnnotationMetadata;

/**
 * Registers the two {@link LockAdvisingPostProcessor}s for {@link EnableDbLocks}, once per registry (a second
 * {@code @EnableDbLocks} adds nothing).
 */
public final class DbLocksRegistrar implements ImportBeanDefinitionRegistrar {

    /** Bean name of the post-processor for session locks. */
    public static final String SESSION_LOCKS_PROCESSOR = "io.dblock.spring.internal.sessionLockAdvisingPostProcessor";

    /** Bean name of the post-processor for transaction-bound locks. */
    public static final String TRANSACTION_LOCKS_PROCESSOR =
            "io.dblock.spring.internal.transactionLockAdvisingPostProcessor";

    @Override
    public void registerBeanDefinitions(AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
        Map<String, Object> attributes =
                Objects.requireNonNull(metadata.getAnnotationAttributes(EnableDbLocks.class.getName()));
        boolean proxyTargetClass = (Boolean) attributes.get("proxyTargetClass");
        boolean sessionOutermost = attributes.get("sessionLocks") == SessionLockPlacement.AROUND_TRANSACTION;
        register(
                registry,
                SESSION_LOCKS_PROCESSOR,
                () -> LockAdvisingPostProcessor.sessionLocks(sessionOutermost, proxyTargetClass));
        register(
                registry,
                TRANSACTION_LOCKS_PROCESSOR,
                () -> LockAdvisingPostProcessor.transactionLocks(sessionOutermost, proxyTargetClass));
    }

    private static void register(
            BeanDefinitionRegistry registry,
            String name,
            java.util.function.Supplier<LockAdvisingPostProcessor> supplier) {
        if (registry.containsBeanDefinition(name)) {
            return;
        }
        RootBeanDefinition definition = new RootBeanDefinition(LockAdvisingPostProcessor.class, supplier);
        definition.setRole(BeanDefinition.ROLE_INFRASTRUCTURE);
        registry.registerBeanDefinition(name, definition);
    }
}
