package io.dblock.spi;

/**
 * A {@link LockEngineProvider} whose name, supported versions and priority are fixed values given to its constructor;
 * subclasses say which databases they support and create the engine.
 */
public abstract class AbstractLockEngineProvider implements LockEngineProvider {

    private final String name;
    private final String supportedVersions;
    private final int priority;

    /**
     * A provider with these fixed values.
     *
     * @param name the engine's display name ({@link #name()})
     * @param supportedVersions which versions are supported, for messages ({@link #supportedVersions()})
     * @param priority higher wins when several providers support one database ({@link #priority()})
     */
    protected AbstractLockEngineProvider(String name, String supportedVersions, int priority) {
        this.name = name;
        this.supportedVersions = supportedVersions;
        this.priority = priority;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final String supportedVersions() {
        return supportedVersions;
    }

    @Override
    public final int priority() {
        return priority;
    }
}
