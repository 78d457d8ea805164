package io.dblock.example.orders;

import io.dblock.testing.EmbeddedPostgres;
import java.util.Map;
import java.util.logging.Level;
import org.apache.commons.logging.Log;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.config.ConfigDataEnvironmentPostProcessor;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.boot.logging.DeferredLogFactory;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Without {@code spring.datasource.url} (in any property source: {@code application.properties}, {@code
 * --spring.datasource.url=...}, {@code SPRING_DATASOURCE_URL}), starts dblock-testing's embedded PostgreSQL and points
 * the data source at it, so the example runs with nothing installed. With a URL, that database is used.
 *
 * <p>Registered in {@code META-INF/spring.factories}; runs after {@code application.properties} has been read and
 * before any bean exists. The server is stopped by a JVM shutdown hook. A real application would not do this.
 */
public class EmbeddedPostgresEnvironmentPostProcessor implements EnvironmentPostProcessor, Ordered {

    static final String URL = "spring.datasource.url";

    /** Keeps dblock-testing's start-up message quiet: logging is not set up yet, this class reports instead. */
    private static final java.util.logging.Logger TESTING_KIT_LOG =
            java.util.logging.Logger.getLogger("io.dblock.testing");

    private final Log log;

    public EmbeddedPostgresEnvironmentPostProcessor(DeferredLogFactory logFactory) {
        this.log = logFactory.getLog(EmbeddedPostgresEnvironmentPostProcessor.class);
    }

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        if (environment.containsProperty(URL)) {
            log.info("Database: " + environment.getProperty(URL));
            return;
        }
        long start = System.nanoTime();
        TESTING_KIT_LOG.setLevel(Level.WARNING);
        EmbeddedPostgres postgres = EmbeddedPostgres.shared();
        environment
                .getPropertySources()
                .addLast(new MapPropertySource(
                        "embeddedPostgres",
                        Map.of(
                                URL,
                                postgres.jdbcUrl(),
                                "spring.datasource.username",
                                postgres.user(),
                                "spring.datasource.password",
                                postgres.password())));
        log.info("Database: no " + URL + " given, started embedded PostgreSQL " + postgres.version() + " at "
                + postgres.jdbcUrl() + " in " + (System.nanoTime() - start) / 1_000_000 + " ms");
    }

    @Override
    public int getOrder() {
        return ConfigDataEnvironmentPostProcessor.ORDER + 1;
    }
}
