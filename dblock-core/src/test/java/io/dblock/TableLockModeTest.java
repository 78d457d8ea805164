package io.dblock;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TableLockModeTest {

    /** The matrix from the PostgreSQL manual, requested (rows) x held (columns), AS RS RX SUX S SRX X AX. */
    static final String[] DOCUMENTED = {
        ".......X", // ACCESS SHARE
        "......XX", // ROW SHARE
        "....XXXX", // ROW EXCLUSIVE
        "...XXXXX", // SHARE UPDATE EXCLUSIVE
        "..XX.XXX", // SHARE
        "..XXXXXX", // SHARE ROW EXCLUSIVE
        ".XXXXXXX", // EXCLUSIVE
        "XXXXXXXX", // ACCESS EXCLUSIVE
    };

    static boolean documentedConflict(TableLockMode requested, TableLockMode held) {
        return DOCUMENTED[requested.ordinal()].charAt(held.ordinal()) == 'X';
    }

    @Test
    void conflictsWithMatchesTheDocumentedMatrixForAll64Pairs() {
        for (TableLockMode requested : TableLockMode.values()) {
            for (TableLockMode held : TableLockMode.values()) {
                assertThat(requested.conflictsWith(held))
                        .as("%s requested while %s held", requested, held)
                        .isEqualTo(documentedConflict(requested, held));
            }
        }
    }

    @Test
    void theMatrixIsSymmetric() {
        for (TableLockMode a : TableLockMode.values()) {
            for (TableLockMode b : TableLockMode.values()) {
                assertThat(a.conflictsWith(b)).as("%s vs %s", a, b).isEqualTo(b.conflictsWith(a));
            }
        }
    }

    @Test
    void sqlSpellingIsWhatLockTableExpects() {
        assertThat(TableLockMode.SHARE_ROW_EXCLUSIVE.sql()).isEqualTo("SHARE ROW EXCLUSIVE");
        assertThat(TableLockMode.ACCESS_EXCLUSIVE.sql()).isEqualTo("ACCESS EXCLUSIVE");
    }
}
