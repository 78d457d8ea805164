package io.dblock.jpa.internal;

import jakarta.persistence.Embeddable;
import jakarta.persistence.Entity;
import jakarta.persistence.EntityManagerFactory;
import jakarta.persistence.MappedSuperclass;
import jakarta.persistence.metamodel.EmbeddableType;
import jakarta.persistence.metamodel.EntityType;
import jakarta.persistence.metamodel.ManagedType;
import jakarta.persistence.metamodel.MappedSuperclassType;
import jakarta.persistence.metamodel.Metamodel;
import java.util.List;
import java.util.Optional;

/**
 * Explains why a class given as an entity has no tables, and what to pass instead. Reads the JPA metamodel (which also
 * knows classes mapped in {@code orm.xml}) and, for classes it does not know, their annotations.
 */
final class NotAnEntity {

    private static final int MAX_LISTED = 10;

    private NotAnEntity() {}

    /** The exception for a class that is not an entity of the factory's persistence unit. */
    static IllegalArgumentException explain(Class<?> type, EntityManagerFactory entityManagerFactory) {
        Optional<ManagedType<?>> managed = managedType(type, entityManagerFactory.getMetamodel());
        String name = type.getName();
        if (managed.filter(MappedSuperclassType.class::isInstance).isPresent()
                || type.isAnnotationPresent(MappedSuperclass.class)) {
            return new IllegalArgumentException(name + " is a @MappedSuperclass and has no table of its own; pass the"
                    + " entity classes that extend it: " + entitySubclasses(type, entityManagerFactory));
        }
        if (managed.filter(EmbeddableType.class::isInstance).isPresent()
                || type.isAnnotationPresent(Embeddable.class)) {
            return new IllegalArgumentException(name + " is an @Embeddable: its columns live in the tables of the"
                    + " entities that embed it; pass those entity classes");
        }
        if (type.isAnnotationPresent(Entity.class)) {
            return new IllegalArgumentException(name + " is annotated @Entity but is not an entity of this"
                    + " EntityManagerFactory; add it to the persistence unit, or pass the factory that maps it");
        }
        return new IllegalArgumentException(name + " is not a JPA entity of this EntityManagerFactory; pass @Entity"
                + " classes (or classes mapped as entities in orm.xml) of its persistence unit");
    }

    /** The factory's entity classes that extend {@code type}, by name, for messages. */
    static String entitySubclasses(Class<?> type, EntityManagerFactory entityManagerFactory) {
        List<String> subclasses = entityManagerFactory.getMetamodel().getEntities().stream()
                .map(EntityType::getJavaType)
                .filter(javaType -> javaType != null && javaType != type && type.isAssignableFrom(javaType))
                .map(Class::getName)
                .sorted()
                .toList();
        if (subclasses.isEmpty()) {
            return "none is mapped in this EntityManagerFactory";
        }
        if (subclasses.size() > MAX_LISTED) {
            return String.join(", ", subclasses.subList(0, MAX_LISTED)) + " and " + (subclasses.size() - MAX_LISTED)
                    + " more";
        }
        return String.join(", ", subclasses);
    }

    private static Optional<ManagedType<?>> managedType(Class<?> type, Metamodel metamodel) {
        try {
            return Optional.of(metamodel.managedType(type));
        } catch (IllegalArgumentException notManaged) {
            return Optional.empty();
        }
    }
}
