package io.dblock.internal;

import io.dblock.AdvisoryLockMode;
import io.dblock.LockKey;
import io.dblock.TableLockRequest;
import java.util.List;
import java.util.stream.Collectors;

/** How locks are named in messages. */
final class Describe {

    private Describe() {}

    static String advisory(List<LockKey> keys, AdvisoryLockMode mode) {
        String list = keys.stream().map(LockKey::toString).collect(Collectors.joining(", "));
        return "advisory " + (mode == AdvisoryLockMode.SHARED ? "shared " : "") + list;
    }

    static String tables(List<TableLockRequest> requests) {
        return "tables "
                + requests.stream().map(r -> r.table() + " " + r.mode()).collect(Collectors.joining(", "));
    }
}
