package io.dblock.cli.connect;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class JdbcUrlTest {

    @Test
    void postgresAndMariaDbUrlsPassUnchanged() {
        assertThat(JdbcUrl.forDriver("jdbc:postgresql://db:5432/app?ssl=true"))
                .contains("jdbc:postgresql://db:5432/app?ssl=true");
        assertThat(JdbcUrl.forDriver("jdbc:mariadb://db:3306/app")).contains("jdbc:mariadb://db:3306/app");
    }

    @Test
    void mysqlUrlsGetPermitMysqlSchemeForMariaDbConnectorJ() {
        assertThat(JdbcUrl.forDriver("jdbc:mysql://db:3306/app"))
                .contains("jdbc:mysql://db:3306/app?permitMysqlScheme");
        assertThat(JdbcUrl.forDriver("jdbc:mysql://db/app?useSSL=false"))
                .contains("jdbc:mysql://db/app?useSSL=false&permitMysqlScheme");
        assertThat(JdbcUrl.forDriver("jdbc:mysql://db/app?permitMysqlScheme&x=1"))
                .contains("jdbc:mysql://db/app?permitMysqlScheme&x=1");
        assertThat(JdbcUrl.forDriver("jdbc:mysql://db/app?permitmysqlscheme=true"))
                .contains("jdbc:mysql://db/app?permitmysqlscheme=true");
    }

    @Test
    void otherUrlsAreRefused() {
        assertThat(JdbcUrl.forDriver("jdbc:oracle:thin:@db:1521/app")).isEmpty();
        assertThat(JdbcUrl.forDriver("postgresql://db/app")).isEmpty();
        assertThat(JdbcUrl.forDriver("")).isEmpty();
    }
}
