package io.dblock.cli.render;

import io.dblock.Pooler;
import java.util.ArrayList;
import java.util.List;

/**
 * The line the text output ends with when the CLI reaches the server through a pooler or proxy ({@code
 * LockInspector.pooler()}), since what it shows then needs reading differently; nothing on a direct connection.
 */
public final class PoolerNote {

    private PoolerNote() {}

    /**
     * {@code lines}, followed by the note for {@code pooler} if it has one.
     *
     * @param lines the output so far
     * @param pooler the setting in effect
     * @return a new list
     */
    public static List<String> after(List<String> lines, Pooler pooler) {
        List<String> all = new ArrayList<>(lines);
        switch (pooler) {
            case TRANSACTION ->
                all.add("Through a pooler or proxy (pooler TRANSACTION, detected or declared): the"
                        + " connection ids are the server's sessions, which the pooler shares between its clients;"
                        + " terminate is refused, cancel works.");
            case SESSION ->
                all.add("Through a session-mode pooler (pooler SESSION): each connection id is one"
                        + " client's server session while it stays connected.");
            default -> {}
        }
        return all;
    }
}
