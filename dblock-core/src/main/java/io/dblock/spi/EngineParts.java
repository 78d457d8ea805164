package io.dblock.spi;

import java.util.List;
import java.util.Optional;

/**
 * The facets of an engine built from parts, for its {@link LockEngine#facet(Class)}: each part serves the facet
 * interfaces it implements; when several do, the first one given wins.
 *
 * <p>Immutable; as thread-safe as its parts.
 */
public final class EngineParts {

    private final List<Object> parts;

    /** The parts, in the order they are asked; the engine itself may be one of them. */
    public EngineParts(Object... parts) {
        this.parts = List.of(parts);
    }

    /** The first part implementing {@code facet}, or empty if none does. */
    public <T> Optional<T> facet(Class<T> facet) {
        for (Object part : parts) {
            if (facet.isInstance(part)) {
                return Optional.of(facet.cast(part));
            }
        }
        return Optional.empty();
    }
}
