package io.dblock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class TableNameTest {

    @Test
    void parsesQualifiedAndUnqualifiedNames() {
        assertThat(TableName.parse("sales.orders")).isEqualTo(TableName.of("sales", "orders"));
        assertThat(TableName.parse("orders").schema()).isEmpty();
        assertThat(TableName.parse("we\"ird; drop").table()).isEqualTo("we\"ird; drop");
    }

    @Test
    void rejectsAmbiguousOrEmptyNames() {
        assertThatThrownBy(() -> TableName.parse("a.b.c"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("TableName.of(schema, table)");
        assertThatThrownBy(() -> TableName.parse(".t")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TableName.parse("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TableName.of("a\0b"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("NUL");
        assertThatThrownBy(() -> TableName.parse(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void ordersUnqualifiedFirstThenBySchemaAndTable() {
        TreeSet<TableName> names = new TreeSet<>(
                List.of(TableName.of("b", "a"), TableName.of("z"), TableName.of("a", "z"), TableName.of("a")));
        assertThat(names)
                .containsExactly(TableName.of("a"), TableName.of("z"), TableName.of("a", "z"), TableName.of("b", "a"));
    }

    @Test
    void anUnresolvedNameCarriesItsOidAndNamesNoTable() {
        TableName unresolved = TableName.unresolved(16384);

        assertThat(unresolved.oid()).hasValue(16384);
        assertThat(unresolved.table()).isEqualTo("<oid 16384>");
        assertThat(unresolved.schema()).isEmpty();
        assertThat(unresolved).hasToString("<oid 16384>").isNotEqualTo(TableName.of("<oid 16384>"));
        assertThat(TableName.of("orders").oid()).isEmpty();
        assertThatThrownBy(() -> TableName.unresolved(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("an object id is positive: 0");
    }
}
