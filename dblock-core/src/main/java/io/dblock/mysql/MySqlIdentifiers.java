package io.dblock.mysql;

import io.dblock.TableName;
import io.dblock.spi.Identifiers;
import java.util.Locale;

/** MySQL and MariaDB identifiers: the rules a table name must meet, and quoting with backticks. */
final class MySqlIdentifiers {

    private MySqlIdentifiers() {}

    /** Checks the table's name and schema before any statement (see {@link #check}). */
    static void check(TableName table) {
        check(table.table());
        table.schema().ifPresent(MySqlIdentifiers::check);
    }

    /**
     * MySQL's identifier rules, checked before any statement: at most 64 characters, none outside the Basic
     * Multilingual Plane (the server's identifier charset is 3-byte UTF-8), and no trailing space.
     */
    static void check(String identifier) {
        if (identifier.codePointCount(0, identifier.length()) > 64) {
            throw new IllegalArgumentException(
                    "identifier '" + identifier + "' is longer than MySQL's 64-character limit");
        }
        identifier.codePoints().filter(c -> c > 0xFFFF).findFirst().ifPresent(c -> {
            throw new IllegalArgumentException("identifier '" + identifier + "' has the character U+"
                    + Integer.toHexString(c).toUpperCase(Locale.ROOT)
                    + ", which MySQL and MariaDB identifiers cannot hold (only U+0001 to U+FFFF)");
        });
        if (identifier.endsWith(" ")) {
            throw new IllegalArgumentException(
                    "identifier '" + identifier + "' ends with a space, which MySQL and MariaDB table names cannot");
        }
    }

    /** {@code `schema`.`table`} with embedded backticks doubled. */
    static String quote(TableName table) {
        return Identifiers.quote(table, '`');
    }
}
