package io.dblock.jpa.internal;

import io.dblock.TableName;
import java.util.ArrayList;
import java.util.List;
import org.hibernate.boot.model.naming.Identifier;
import org.hibernate.boot.model.naming.IllegalIdentifierException;
import org.hibernate.engine.jdbc.env.spi.IdentifierHelper;
import org.hibernate.engine.jdbc.env.spi.JdbcEnvironment;

/**
 * Reads a table name as Hibernate writes it into SQL back into a {@link TableName}.
 *
 * <p>Hibernate renders a table as {@code [qualifier.]name}, each part bare or between the dialect's quotes ({@code
 * "..."} on PostgreSQL, {@code `...`} on MySQL/MariaDB), without escaping quotes inside a name. The qualifier is the
 * schema on PostgreSQL and the catalog on MySQL (Hibernate's {@code NameQualifierSupport}); either way it is what
 * dblock calls the schema. Parsing:
 *
 * <ol>
 *   <li>A part that starts with the open quote runs to the first close quote followed by a dot or the end, so quoted
 *       names may contain dots; a bare part runs to the next dot.
 *   <li>Quotes are removed; each part's case becomes the case the database stores it in, through Hibernate's {@link
 *       IdentifierHelper#toMetaDataObjectName} (quoted parts keep theirs; bare parts are lower-cased on PostgreSQL,
 *       kept on MySQL/MariaDB, as the JDBC driver reports).
 *   <li>One part is a table, two are qualifier and table; three ({@code catalog.schema.table}, only on databases dblock
 *       does not support) are refused.
 * </ol>
 *
 * <p>Immutable and thread-safe.
 */
final class RenderedTableName {

    private final char openQuote;
    private final char closeQuote;
    private final IdentifierHelper identifiers;

    private RenderedTableName(char openQuote, char closeQuote, IdentifierHelper identifiers) {
        this.openQuote = openQuote;
        this.closeQuote = closeQuote;
        this.identifiers = identifiers;
    }

    /** A reader for the names of one Hibernate factory. */
    static RenderedTableName reader(JdbcEnvironment environment) {
        return new RenderedTableName(
                environment.getDialect().openQuote(),
                environment.getDialect().closeQuote(),
                environment.getIdentifierHelper());
    }

    /**
     * Reads {@code sql}, a table of {@code entity}.
     *
     * @throws IllegalArgumentException if {@code sql} is a subquery ({@code @Subselect}) or not a qualified name
     */
    TableName read(String sql, Class<?> entity) {
        if (sql.startsWith("(")) {
            throw new IllegalArgumentException(entity.getName() + " is mapped to a SQL query (@Subselect), not to a"
                    + " table; pass the tables the query reads to DbLocks.tables(...)");
        }
        List<String> parts = split(sql, entity);
        return switch (parts.size()) {
            case 1 -> TableName.of(parts.get(0));
            case 2 -> TableName.of(parts.get(0), parts.get(1));
            default ->
                throw new IllegalArgumentException(entity.getName() + " is mapped to the table " + sql
                        + ", a catalog.schema.table name; dblock locks schema.table names only");
        };
    }

    private List<String> split(String sql, Class<?> entity) {
        List<String> parts = new ArrayList<>();
        int at = 0;
        while (true) {
            boolean quoted = at < sql.length() && sql.charAt(at) == openQuote;
            int end = quoted ? closingQuote(sql, at + 1) : nextDot(sql, at);
            if (end < 0 || end == (quoted ? at + 1 : at)) {
                throw malformed(sql, entity);
            }
            parts.add(caseAsStored(sql.substring(quoted ? at + 1 : at, end), quoted, sql, entity));
            at = quoted ? end + 1 : end;
            if (at == sql.length()) {
                return parts;
            }
            if (sql.charAt(at) != '.') {
                throw malformed(sql, entity);
            }
            at++;
        }
    }

    /** The first close quote at or after {@code from} that ends the name or precedes a dot; -1 if none. */
    private int closingQuote(String sql, int from) {
        for (int i = sql.indexOf(closeQuote, from); i >= 0; i = sql.indexOf(closeQuote, i + 1)) {
            if (i + 1 == sql.length() || sql.charAt(i + 1) == '.') {
                return i;
            }
        }
        return -1;
    }

    private static int nextDot(String sql, int from) {
        int dot = sql.indexOf('.', from);
        return dot < 0 ? sql.length() : dot;
    }

    private String caseAsStored(String text, boolean quoted, String sql, Class<?> entity) {
        try {
            return identifiers.toMetaDataObjectName(new Identifier(text, quoted));
        } catch (IllegalIdentifierException e) {
            throw malformed(sql, entity);
        }
    }

    private static IllegalArgumentException malformed(String sql, Class<?> entity) {
        return new IllegalArgumentException(entity.getName() + " is mapped to the table " + sql
                + ", which dblock-jpa cannot read as [schema.]table; pass the table name to DbLocks.tables(...)");
    }
}
