package io.dblock.bench;

import java.time.Duration;

/** The lock implementations that contend with each other in the contended scenarios. */
enum Peer {
    RAW("raw", "raw JDBC"),
    DBLOCK("dblock", "dblock"),
    DBLOCK_NO_SITES("dblock-no-sites", "dblock, recordAcquisitionSites(false)"),
    JDBC_LOCK_REGISTRY("jdbc-lock-registry", "JdbcLockRegistry"),
    SHEDLOCK("shedlock", "ShedLock"),
    RAW_TABLE("raw-table", "raw JDBC table lock"),
    DBLOCK_TABLE("dblock-table", "dblock table lock");

    /** The wait of the timed forms: JdbcLockRegistry's {@code tryLock}, the table locks' timeout. */
    static final Duration WAIT = Duration.ofSeconds(2);

    /** Connections in each node's pool: one for the lock, one for dblock's watchdog or the peer's own needs. */
    static final int POOL_SIZE = 2;

    final String key;
    final String label;

    Peer(String key, String label) {
        this.key = key;
        this.label = label;
    }

    static Peer of(String key) {
        for (Peer p : values()) {
            if (p.key.equals(key)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown peer " + key);
    }

    /** Opens one node's client of the lock named {@code lockName}. */
    LockClient open(Target target, String lockName, String node) throws Exception {
        return switch (this) {
            case RAW -> new RawClients.Advisory(target, lockName);
            case DBLOCK -> new DbLockClients.Advisory(target.pool(POOL_SIZE, node), lockName, true);
            case DBLOCK_NO_SITES -> new DbLockClients.Advisory(target.pool(POOL_SIZE, node), lockName, false);
            case JDBC_LOCK_REGISTRY -> new RegistryClient(target.pool(POOL_SIZE, node), lockName, WAIT);
            case SHEDLOCK -> new ShedLockClient(target.pool(POOL_SIZE, node), lockName);
            case RAW_TABLE -> new RawClients.Table(target);
            case DBLOCK_TABLE -> new DbLockClients.Table(target);
        };
    }
}
