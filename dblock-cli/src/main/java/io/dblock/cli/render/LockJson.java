package io.dblock.cli.render;

import io.dblock.LockKey;
import io.dblock.TableName;
import io.dblock.inspect.LockInfo;
import io.dblock.inspect.SessionInfo;
import io.dblock.inspect.WaitNode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The JSON documents of {@code dblock locks --format json} and {@code dblock waits --format json}: one line each,
 * field names as in the {@code io.dblock.inspect} records (a session's {@code dblockLabel} is {@code null} unless a
 * {@code DbLocks} holds session locks on it), absent values as {@code null}, instants as ISO-8601 UTC
 * strings and durations as whole milliseconds. A {@code LONG} key's 64-bit value is written twice: as the number
 * {@code value} (kept for compatibility; JavaScript and jq round numbers above 2^53, such as the hash of a name) and
 * exactly as the string {@code valueString}. A wait-tree node lists the ids of every session it waits for in {@code
 * blockedBy}; {@code repeated} is true for the later appearances of a session that waits for several (its {@code
 * blocks} are under its first appearance), and {@code blockedCount} counts distinct sessions.
 *
 * <pre>{@code
 * {"engine":"PostgreSQL","serverVersion":"17.6","pooler":"NONE","locks":[{"connectionId":4242,"kind":"ADVISORY",
 *   "target":"advisory 42","table":null,"key":{"kind":"LONG","value":42,"valueString":"42"},"mode":"EXCLUSIVE","granted":true,
 *   "waitingSince":null,"waitedMillis":null,"session":{"connectionId":4242,"user":"app",...}}]}
 * {"engine":"PostgreSQL","serverVersion":"17.6","pooler":"NONE","waitTree":[{"session":{...},"waitingFor":null,
 *   "waitedMillis":null,"blockedCount":1,"blockedBy":[],"repeated":false,"blocks":[{"session":{...},
 *   "waitingFor":{...},...,"blocks":[]}]}]}
 * }</pre>
 */
public final class LockJson {

    private LockJson() {}

    /**
     * The document for a list of locks.
     *
     * @param locks the locks
     * @param engine the engine's name, e.g. {@code "PostgreSQL"}
     * @param serverVersion the server's version
     * @param pooler what stands between dblock and the server ({@code LockInspector.pooler()}: {@code NONE}, {@code
     *     TRANSACTION}, ...)
     * @return one line of JSON, without a line break
     */
    public static String locks(List<LockInfo> locks, String engine, String serverVersion, String pooler) {
        JsonWriter json = header(engine, serverVersion, pooler).name("locks").beginArray();
        for (LockInfo lock : locks) {
            lock(json, lock, true);
        }
        return json.endArray().endObject().toString();
    }

    /**
     * The document for the blocking trees.
     *
     * @param roots the roots of {@link io.dblock.inspect.LockInspector#waitTree()}
     * @param engine the engine's name, e.g. {@code "PostgreSQL"}
     * @param serverVersion the server's version
     * @param pooler what stands between dblock and the server, as for {@link #locks}
     * @return one line of JSON, without a line break
     */
    public static String waitTree(List<WaitNode> roots, String engine, String serverVersion, String pooler) {
        JsonWriter json = header(engine, serverVersion, pooler).name("waitTree");
        nodes(json, roots);
        return json.endObject().toString();
    }

    private static JsonWriter header(String engine, String serverVersion, String pooler) {
        return new JsonWriter()
                .beginObject()
                .name("engine")
                .value(engine)
                .name("serverVersion")
                .value(serverVersion)
                .name("pooler")
                .value(pooler);
    }

    private static void nodes(JsonWriter json, List<WaitNode> nodes) {
        json.beginArray();
        for (WaitNode node : nodes) {
            json.beginObject().name("session");
            session(json, node.session());
            json.name("waitingFor");
            node.waitingFor().ifPresentOrElse(lock -> lock(json, lock, false), json::nullValue);
            json.name("waitedMillis");
            millis(json, node.waited());
            json.name("blockedCount")
                    .value(node.blockedCount())
                    .name("blockedBy")
                    .beginArray();
            node.blockedBy().forEach(json::value);
            json.endArray().name("repeated").value(node.repeated()).name("blocks");
            nodes(json, node.blocks());
            json.endObject();
        }
        json.endArray();
    }

    /** A lock; its session left out where the enclosing node already gives it. */
    private static void lock(JsonWriter json, LockInfo lock, boolean withSession) {
        json.beginObject()
                .name("connectionId")
                .value(lock.connectionId())
                .name("kind")
                .value(lock.kind().name())
                .name("target")
                .value(lock.target())
                .name("table");
        lock.table().ifPresentOrElse(table -> table(json, table), json::nullValue);
        json.name("key");
        lock.key().ifPresentOrElse(key -> key(json, key), json::nullValue);
        json.name("mode").value(lock.mode()).name("granted").value(lock.granted());
        json.name("waitingSince");
        instant(json, lock.waitingSince());
        json.name("waitedMillis");
        millis(json, lock.waited());
        if (withSession) {
            json.name("session");
            session(json, lock.session());
        }
        json.endObject();
    }

    /** {@code schema} and {@code name}; for a table known only by OID ({@code TableName.unresolved}) also {@code oid}. */
    private static void table(JsonWriter json, TableName table) {
        json.beginObject()
                .name("schema")
                .value(table.schema().orElse(null))
                .name("name")
                .value(table.table());
        table.oid().ifPresent(oid -> json.name("oid").value(oid));
        json.endObject();
    }

    private static void key(JsonWriter json, LockKey key) {
        json.beginObject().name("kind").value(key.kind().name());
        switch (key.kind()) {
            case NAME -> json.name("name").value(key.name().orElseThrow());
            // a number above 2^53 loses digits in JavaScript and jq: the exact value also as a string
            case LONG ->
                json.name("value").value(key.longValue()).name("valueString").value(Long.toString(key.longValue()));
            case INT_PAIR ->
                json.name("classKey").value(key.classKey()).name("objectKey").value(key.objectKey());
        }
        json.endObject();
    }

    private static void session(JsonWriter json, SessionInfo session) {
        json.beginObject()
                .name("connectionId")
                .value(session.connectionId())
                .name("user")
                .value(session.user().orElse(null))
                .name("applicationName")
                .value(session.applicationName().orElse(null))
                .name("state")
                .value(session.state().name())
                .name("stateSince");
        instant(json, session.stateSince());
        json.name("transactionStart");
        instant(json, session.transactionStart());
        json.name("query").value(session.query().orElse(null));
        json.name("dblockLabel").value(session.dblockLabel().orElse(null)).endObject();
    }

    private static void instant(JsonWriter json, Optional<Instant> instant) {
        json.value(instant.map(Instant::toString).orElse(null));
    }

    private static void millis(JsonWriter json, Optional<Duration> duration) {
        duration.ifPresentOrElse(d -> json.value(d.toMillis()), json::nullValue);
    }
}
