package io.dblock.cli.connect;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DriverDataSourceTest {

    @Test
    void describingItShowsNeitherThePasswordNorTheUrl() {
        DriverDataSource dataSource =
                new DriverDataSource("jdbc:postgresql://db/app?password=url-secret", "app", "property-secret");

        assertThat(dataSource.toString())
                .isEqualTo("DriverDataSource[jdbc:postgresql: user app]")
                .doesNotContain("secret");
    }
}
