package io.dblock.testing.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The API check itself, on fixture classes compiled here in two versions. */
class ApiBaselineCheckerTest {

    private static final String V1 = "package fixture.api;\n"
            + "import java.util.List;\n"
            + "public class Widget<T extends Comparable<? super T>> implements AutoCloseable {\n"
            + "    public static final String NAME = \"w\";\n"
            + "    protected int size;\n"
            + "    int hidden;\n"
            + "    public Widget(List<T> items) {}\n"
            + "    public <R> R map(java.util.function.Function<? super T, ? extends R> f, T... extra) { return null; }\n"
            + "    public void resize(int size) throws java.io.IOException {}\n"
            + "    public void close() {}\n"
            + "    void packagePrivate() {}\n"
            + "    private Runnable lambda() { return () -> {}; }\n"
            + "    public enum Colour { RED, GREEN { public String toString() { return \"g\"; } } }\n"
            + "    public interface Listener { void on(String event); default int order() { return 0; } }\n"
            + "}\n";

    private static final String ANNOTATION = "package fixture.api;\n"
            + "import java.lang.annotation.*;\n"
            + "@Retention(RetentionPolicy.RUNTIME) @Target({ElementType.METHOD, ElementType.TYPE})\n"
            + "public @interface Marker { String key() default \"a\\\"b\"; long[] waits() default {1, 2};"
            + " Class<?> type() default Object.class; Thread.State state() default Thread.State.NEW; }\n";

    private static final String HIDDEN =
            "package fixture.api.internal;\n" + "public class Hidden { public void x() {} }\n";

    private static final String COMPARABLE = "package fixture.api;\n"
            + "public final class Sub extends Widget<String> implements Comparable<Sub> {\n"
            + "    public Sub() { super(null); }\n"
            + "    public int compareTo(Sub other) { return 0; }\n"
            + "    protected void notApiInAFinalClass() {}\n"
            + "}\n";

    @TempDir
    Path dir;

    @Test
    void listsTheApiAndOnlyTheApi() throws Exception {
        List<String> listing = listing("v1", V1, ANNOTATION, HIDDEN, COMPARABLE);

        assertThat(listing)
                .containsExactly(
                        "@Retention(RUNTIME) @Target({METHOD, TYPE}) public @interface fixture.api.Marker",
                        "  public abstract java.lang.Class<?> type() default java.lang.Object.class",
                        "  public abstract java.lang.String key() default \"a\\\"b\"",
                        "  public abstract java.lang.Thread$State state() default java.lang.Thread$State.NEW",
                        "  public abstract long[] waits() default {1L, 2L}",
                        "",
                        "public final class fixture.api.Sub extends fixture.api.Widget<java.lang.String>"
                                + " implements java.lang.Comparable<fixture.api.Sub>",
                        "  public <init>()",
                        "  public int compareTo(fixture.api.Sub)",
                        "",
                        "public class fixture.api.Widget<T extends java.lang.Comparable<? super T>>"
                                + " implements java.lang.AutoCloseable",
                        "  protected int size",
                        "  public static final java.lang.String NAME",
                        "  public <init>(java.util.List<T>)",
                        "  public <R> R map(java.util.function.Function<? super T, ? extends R>, T...)",
                        "  public void close()",
                        "  public void resize(int) throws java.io.IOException",
                        "",
                        "public enum fixture.api.Widget$Colour",
                        "  enum constant GREEN",
                        "  enum constant RED",
                        "  public static fixture.api.Widget$Colour valueOf(java.lang.String)",
                        "  public static fixture.api.Widget$Colour[] values()",
                        "",
                        "public interface fixture.api.Widget$Listener",
                        "  public abstract void on(java.lang.String)",
                        "  public default int order()");
    }

    @Test
    void theSameApiPasses() throws Exception {
        Path baseline = dir.resolve("api/fixture.api");
        ApiBaseline.verify("fixture", baseline, listing("v1", V1), true);

        ApiBaseline.verify("fixture", baseline, listing("again", V1), false);
    }

    @Test
    void anAddedMethodIsCompatible() throws Exception {
        List<String> before = listing("v1", V1);
        List<String> after = listing(
                "v2",
                V1.replace(
                        "    public void close() {}\n",
                        "    public void close() {}\n" + "    public void added() {}\n"));

        String difference = ApiBaseline.difference(before, after);

        assertThat(difference)
                .isEqualTo("Added (compatible for users, but record it so it is seen):\n"
                        + "  + fixture.api.Widget: public void added()\n");
    }

    @Test
    void aRemovedMethodFailsTheCheckWithTheLineAndTheCommandToReRecord() throws Exception {
        Path baseline = dir.resolve("api/fixture.api");
        ApiBaseline.verify("fixture", baseline, listing("v1", V1), true);
        List<String> after =
                listing("v2", V1.replace("    public void resize(int size) throws java.io.IOException {}\n", ""));

        assertThatThrownBy(() -> ApiBaseline.verify("fixture", baseline, after, false))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("Removed or changed (this breaks users' code")
                .hasMessageContaining("  - fixture.api.Widget: public void resize(int) throws java.io.IOException\n")
                .hasMessageNotContaining("Added")
                .hasMessageContaining("-Dtest=ApiBaselineTest")
                .hasMessageContaining("-Ddblock.api.record=true");
    }

    @Test
    void aChangedSignatureShowsAsRemovedAndAdded() throws Exception {
        List<String> before = listing("v1", V1);
        List<String> after = listing("v2", V1.replace("resize(int size)", "resize(long size)"));

        assertThat(ApiBaseline.difference(before, after))
                .contains("  - fixture.api.Widget: public void resize(int) throws java.io.IOException\n")
                .contains("  + fixture.api.Widget: public void resize(long) throws java.io.IOException\n");
    }

    @Test
    void aChangedTypeParameterBoundOrSupertypeIsSeen() throws Exception {
        List<String> before = listing("v1", V1);
        List<String> after = listing("v2", V1.replace(" implements AutoCloseable", ""));

        assertThat(ApiBaseline.difference(before, after))
                .contains("  - public class fixture.api.Widget<T extends java.lang.Comparable<? super T>>"
                        + " implements java.lang.AutoCloseable\n");
    }

    @Test
    void aMissingBaselineFailsWithTheCommandToRecordIt() throws Exception {
        List<String> current = listing("v1", V1);

        assertThatThrownBy(() -> ApiBaseline.verify("fixture", dir.resolve("absent.api"), current, false))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("No recorded public API for fixture")
                .hasMessageContaining("-Ddblock.api.record=true");
    }

    @Test
    void theRecordedFileStartsWithHowToReRecordIt() throws Exception {
        Path baseline = dir.resolve("api/fixture.api");
        ApiBaseline.verify("fixture", baseline, listing("v1", V1), true);

        assertThat(Files.readAllLines(baseline).get(0)).startsWith("# The public API of fixture");
        assertThat(Files.readString(baseline)).endsWith("\n  public default int order()\n");
    }

    /** Compiles {@code sources} into a directory of their own and lists the API of package {@code fixture.api}. */
    private List<String> listing(String version, String... sources) throws IOException {
        Path src = dir.resolve(version + "-src");
        Path classes = dir.resolve(version + "-classes");
        Files.createDirectories(classes);
        List<String> arguments = new ArrayList<>(List.of("--release", "17", "-d", classes.toString()));
        for (String source : sources) {
            String pkg = source.substring("package ".length(), source.indexOf(';'));
            String name = source.replaceAll("(?s).*?public (?:final )?(?:class|@interface) (\\w+).*", "$1");
            Path file = src.resolve(pkg.replace('.', '/')).resolve(name + ".java");
            Files.createDirectories(file.getParent());
            Files.writeString(file, source);
            arguments.add(file.toString());
        }
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        assertThat(compiler.run(null, null, null, arguments.toArray(new String[0])))
                .as("compiling the fixtures")
                .isZero();
        try (URLClassLoader loader =
                new URLClassLoader(new URL[] {classes.toUri().toURL()}, null)) {
            return ApiListing.of(classes, loader, List.of("fixture.api"));
        }
    }
}
