package io.dblock.spi;

import io.dblock.TableName;

/**
 * Quoted SQL identifiers, for engines whose servers quote with one character doubled inside: the SQL standard's
 * {@code "name"}, MySQL's {@code `name`}.
 */
public final class Identifiers {

    private Identifiers() {}

    /** {@code identifier} between two {@code quote} characters, each {@code quote} in it doubled. */
    public static String quote(String identifier, char quote) {
        String one = String.valueOf(quote);
        return one + identifier.replace(one, one + one) + one;
    }

    /** The table's quoted name, after its quoted schema and a dot when it has one. */
    public static String quote(TableName table, char quote) {
        String name = quote(table.table(), quote);
        return table.schema().map(s -> quote(s, quote) + "." + name).orElse(name);
    }
}
