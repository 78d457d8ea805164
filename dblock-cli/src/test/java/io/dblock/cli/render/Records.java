package io.dblock.cli.render;

import io.dblock.LockKey;
import io.dblock.TableName;
import io.dblock.inspect.LockInfo;
import io.dblock.inspect.SessionInfo;
import io.dblock.inspect.SessionState;
import io.dblock.inspect.WaitNode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Hand-built inspector records for rendering tests: no server involved. */
final class Records {

    /** A fixed moment, so that JSON output is the same on every run. */
    static final Instant T0 = Instant.parse("2025-01-02T03:04:05.678Z");

    private Records() {}

    /** A session; empty strings mean "not reported". */
    static SessionInfo session(long id, String user, String application, SessionState state, String query) {
        return new SessionInfo(
                id,
                Optional.of(user).filter(s -> !s.isEmpty()),
                Optional.of(application).filter(s -> !s.isEmpty()),
                state,
                Optional.of(T0),
                state == SessionState.IDLE_IN_TRANSACTION ? Optional.of(T0.minusSeconds(60)) : Optional.empty(),
                Optional.of(query).filter(s -> !s.isEmpty()));
    }

    /** The session with the label dblock gives a holder's session. */
    static SessionInfo labelled(SessionInfo s, String label) {
        return new SessionInfo(
                s.connectionId(),
                s.user(),
                s.applicationName(),
                s.state(),
                s.stateSince(),
                s.transactionStart(),
                s.query(),
                Optional.of(label));
    }

    /** A granted advisory lock. */
    static LockInfo holds(SessionInfo session, LockKey key) {
        return new LockInfo(
                LockInfo.Kind.ADVISORY,
                Optional.empty(),
                Optional.of(key),
                "EXCLUSIVE",
                true,
                Optional.empty(),
                Optional.empty(),
                session);
    }

    /** A waiting advisory request. */
    static LockInfo waitsFor(SessionInfo session, LockKey key, Duration waited) {
        return new LockInfo(
                LockInfo.Kind.ADVISORY,
                Optional.empty(),
                Optional.of(key),
                "EXCLUSIVE",
                false,
                Optional.of(T0.minus(waited)),
                Optional.of(waited),
                session);
    }

    /** A table lock, granted if {@code waited} is null. */
    static LockInfo table(SessionInfo session, String schema, String table, String mode, Duration waited) {
        return new LockInfo(
                LockInfo.Kind.TABLE,
                Optional.of(TableName.of(schema, table)),
                Optional.empty(),
                mode,
                waited == null,
                Optional.ofNullable(waited).map(T0::minus),
                Optional.ofNullable(waited),
                session);
    }

    /** A node of the wait tree; {@code waitingFor} null for a root. */
    static WaitNode node(SessionInfo session, LockInfo waitingFor, WaitNode... blocks) {
        Optional<LockInfo> lock = Optional.ofNullable(waitingFor);
        return new WaitNode(session, lock, lock.flatMap(LockInfo::waited), List.of(blocks));
    }
}
