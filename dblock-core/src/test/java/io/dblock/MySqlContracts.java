package io.dblock;

import io.dblock.mysql.MySqlCharsetContract;
import io.dblock.mysql.MySqlFamilyContract;
import io.dblock.mysql.MySqlIntegrityContract;
import org.junit.jupiter.api.Nested;

/**
 * The contracts of a MySQL-family server (MySQL or MariaDB, served by {@code io.dblock.mysql.MySqlEngine}) on the
 * MariaDB driver: {@link EngineContracts} and the family's own. Bindings extend it as they do {@link EngineContracts}.
 */
abstract class MySqlContracts extends EngineContracts {

    @Nested
    class MySqlFamily extends MySqlFamilyContract {}

    @Nested
    class MySqlIntegrity extends MySqlIntegrityContract {}

    @Nested
    class MySqlCharset extends MySqlCharsetContract {}
}
