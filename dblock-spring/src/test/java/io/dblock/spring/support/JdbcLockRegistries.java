package io.dblock.spring.support;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.springframework.integration.jdbc.lock.DefaultLockRepository;
import org.springframework.integration.jdbc.lock.JdbcLockRegistry;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;

/**
 * Spring Integration's own {@link JdbcLockRegistry} for the tests that compare with it or migrate from it: its {@code
 * INT_LOCK} table from the DDL its jar ships, and registries wired as an application context would (default 10 s time
 * to live, a {@link DataSourceTransactionManager} over the node's pool). {@link #close()} closes their repositories.
 */
public final class JdbcLockRegistries implements AutoCloseable {

    private final List<DefaultLockRepository> repositories = new ArrayList<>();

    /** The {@code CREATE TABLE INT_LOCK} statement of spring-integration-jdbc's DDL for the engine, made idempotent. */
    public static String intLockDdl(boolean postgres) throws IOException {
        String script = postgres ? "schema-postgresql.sql" : "schema-mysql.sql";
        try (InputStream in =
                DefaultLockRepository.class.getResourceAsStream("/org/springframework/integration/jdbc/" + script)) {
            String ddl = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            Matcher m = Pattern.compile("CREATE TABLE INT_LOCK\\b[^;]*").matcher(ddl);
            if (!m.find()) {
                throw new IllegalStateException("no INT_LOCK table in " + script);
            }
            return m.group().replaceFirst("CREATE TABLE INT_LOCK", "CREATE TABLE IF NOT EXISTS INT_LOCK");
        }
    }

    /** A registry over {@code pool}, with a repository of its own. */
    public JdbcLockRegistry over(DataSource pool) {
        DefaultLockRepository repository = new DefaultLockRepository(pool);
        repository.setTransactionManager(new DataSourceTransactionManager(pool));
        repository.afterPropertiesSet();
        repository.afterSingletonsInstantiated();
        repositories.add(repository);
        return new JdbcLockRegistry(repository);
    }

    @Override
    public void close() {
        repositories.forEach(DefaultLockRepository::close);
        repositories.clear();
    }
}
