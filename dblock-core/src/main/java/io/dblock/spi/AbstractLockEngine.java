package io.dblock.spi;

import java.util.List;
import java.util.Optional;

/**
 * A base for an engine built from parts: it holds the engine's display name and server version, and {@link
 * #facet(Class)} finds each facet on the engine itself or, failing that, on the first part that implements it.
 *
 * <p>Thread-safe when the parts are.
 */
public abstract class AbstractLockEngine implements LockEngine {

    private final String name;
    private final String serverVersion;
    private final List<Object> parts;

    /**
     * An engine with these values and parts.
     *
     * @param name the display name ({@link #name()})
     * @param serverVersion the server's version as the driver reports it ({@link #serverVersion()})
     * @param parts the objects implementing the engine's facets, asked in this order
     */
    protected AbstractLockEngine(String name, String serverVersion, Object... parts) {
        this.name = name;
        this.serverVersion = serverVersion;
        this.parts = List.of(parts);
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final String serverVersion() {
        return serverVersion;
    }

    /** The engine itself if it implements {@code facet}, else the first part that does, else empty. */
    @Override
    public final <T> Optional<T> facet(Class<T> facet) {
        if (facet.isInstance(this)) {
            return Optional.of(facet.cast(this));
        }
        for (Object part : parts) {
            if (facet.isInstance(part)) {
                return Optional.of(facet.cast(part));
            }
        }
        return Optional.empty();
    }
}
