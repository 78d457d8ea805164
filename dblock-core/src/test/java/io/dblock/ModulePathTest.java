package io.dblock;

import static org.assertj.core.api.Assertions.assertThat;

import io.dblock.testing.TestDatabase;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * dblock-core as a named module ({@code io.dblock}) on the module path, as a modular application uses it: a small
 * application module, compiled here against {@code target/classes}, runs in its own JVM with the PostgreSQL driver as
 * an automatic module. It finds the engine through the module's {@code provides} clause, takes and releases an
 * advisory lock on the embedded server, and cannot reach the implementation (package-private in {@code io.dblock}, which the module exports but does not open).
 * The rest of the test suite runs on the class path.
 */
class ModulePathTest {

    @TempDir
    Path work;

    @Test
    void aModularApplicationLocksThroughTheExportedApiAndCannotReachTheInternals() throws Exception {
        Path core = Paths.get("target", "classes").toAbsolutePath();
        assertThat(core.resolve("module-info.class"))
                .as("dblock-core is compiled as a module")
                .exists();
        Path driver = jarOf(org.postgresql.Driver.class);

        Path source = work.resolve("src/app");
        Files.createDirectories(source.resolve("app"));
        Files.writeString(source.resolve("module-info.java"), "module app { requires io.dblock; }\n");
        Files.writeString(source.resolve("app/Main.java"), MAIN);
        Path classes = work.resolve("classes/app");
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        int compiled = javac.run(
                null,
                null,
                null,
                "--module-path",
                core.toString(),
                "-d",
                classes.toString(),
                source.resolve("module-info.java").toString(),
                source.resolve("app/Main.java").toString());
        assertThat(compiled)
                .as("the application module compiles against the exported API")
                .isZero();

        TestDatabase db = TestDatabase.postgres();
        Path javaBin = Paths.get(System.getProperty("java.home"), "bin", "java");
        Process process = new ProcessBuilder(List.of(
                        javaBin.toString(),
                        "--module-path",
                        String.join(java.io.File.pathSeparator, core.toString(), driver.toString(), classes.toString()),
                        "--add-modules",
                        "org.postgresql.jdbc",
                        "-m",
                        "app/app.Main",
                        db.jdbcUrl(),
                        db.user(),
                        db.password()))
                .redirectErrorStream(true)
                .start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS))
                .as("the application ends")
                .isTrue();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(output).isZero();
        assertThat(output)
                .contains("engine PostgreSQL")
                .contains("held by session")
                .contains("released")
                .contains("the implementation is not reachable");
    }

    private static Path jarOf(Class<?> type) throws IOException {
        try {
            return Paths.get(
                    type.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IOException(e);
        }
    }

    private static final String MAIN =
            """
            package app;

            import io.dblock.DbLocks;
            import io.dblock.LockHandle;
            import java.io.PrintWriter;
            import java.sql.Connection;
            import java.sql.DriverManager;
            import java.sql.SQLException;
            import java.util.logging.Logger;
            import javax.sql.DataSource;

            public class Main {
                public static void main(String[] args) throws Exception {
                    DataSource ds = new DataSource() {
                        public Connection getConnection() throws SQLException {
                            return DriverManager.getConnection(args[0], args[1], args[2]);
                        }
                        public Connection getConnection(String u, String p) throws SQLException {
                            return DriverManager.getConnection(args[0], u, p);
                        }
                        public PrintWriter getLogWriter() { return null; }
                        public void setLogWriter(PrintWriter out) {}
                        public void setLoginTimeout(int seconds) {}
                        public int getLoginTimeout() { return 0; }
                        public Logger getParentLogger() { return Logger.getGlobal(); }
                        public <T> T unwrap(Class<T> type) throws SQLException { throw new SQLException("no"); }
                        public boolean isWrapperFor(Class<?> type) { return false; }
                    };
                    try (DbLocks locks = DbLocks.create(ds)) {
                        System.out.println("engine " + locks.engineName());
                        try (LockHandle h = locks.advisory("module-path").acquire()) {
                            System.out.println("held by session " + h.connectionId());
                        }
                        System.out.println("released: " + !locks.advisory("module-path").isLocked());
                    }
                    try {
                        Class<?> internal = Class.forName("io.dblock.EngineDetection");
                        java.lang.reflect.Method detect = internal.getDeclaredMethod("detect", DataSource.class);
                        detect.setAccessible(true);
                        detect.invoke(null, ds);
                        System.out.println("the implementation is reachable");
                        System.exit(2);
                    } catch (java.lang.reflect.InaccessibleObjectException e) {
                        System.out.println("the implementation is not reachable: " + e.getMessage());
                    }
                }
            }
            """;
}
