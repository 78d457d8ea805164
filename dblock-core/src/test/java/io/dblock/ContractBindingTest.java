package io.dblock;

import static org.assertj.core.api.Assertions.assertThat;

import io.dblock.spi.LockEngine;
import io.dblock.support.DriverUnderTest;
import io.dblock.support.Needs;
import io.dblock.testing.DatabaseTest;
import io.dblock.testing.Engine;
import io.dblock.testing.TestDatabase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The one binding mechanism of the contract tests, checked: every abstract {@code *Contract} class under {@code
 * io.dblock} in the test classes (found by scanning them, not from a list) declares what it needs ({@link Needs}); an
 * engine binding is a top-level test class with {@link DatabaseTest} whose {@code @Nested} classes extend contracts,
 * one per contract: declared in the binding or inherited from the abstract class it extends ({@link EngineContracts},
 * {@link MySqlContracts}, {@link ConnectorJContracts}), where a nested class of the binding hides an inherited one of
 * the same name, as in JUnit. A binding whose nested classes implement a {@link DriverUnderTest} sub-interface (such
 * as {@code ConnectorJ.Driver}) is a driver variant: it runs the contracts that let the test choose the driver.
 *
 * <p>The test fails when
 *
 * <ul>
 *   <li>a binding lacks a contract whose needs its engine's facets meet (for a driver variant: and that implements
 *       {@link DriverUnderTest});
 *   <li>a contract is bound by no binding, an engine of {@link Engine} (but {@link Engine#EXTERNAL}, which serves
 *       the binding of an engine the kit does not know) has no binding with its own driver, or a class
 *       extends a contract outside a binding (the old one-class-per-contract way);
 *   <li>a binding binds a contract whose needs its engine lacks, binds one twice, or, in a driver variant, binds one
 *       that would not use the driver.
 * </ul>
 *
 * <p>The engines' facets are the real engines': {@link EngineDetection#detect} on each server that can run here
 * (embedded PostgreSQL and MariaDB, started by dblock-testing, or the external servers of {@code DBLOCK_TEST_*} when
 * set), asking {@link LockEngine#facet(Class)} for every interface of {@code io.dblock.spi}. The external MySQL server
 * usually cannot run here; its binding is then checked against the MySQL family's facets, read from the embedded
 * MariaDB's engine: MySQL and MariaDB are served by the same engine class ({@code io.dblock.mysql.MySqlEngine}), whose
 * facets (its parts) are the same whatever the server. An engine whose facets cannot be found either
 * way (no MariaDB binaries for this platform) is reported and left unchecked.
 *
 * <p>It prints the contract × engine matrix (to stdout: {@code target/surefire-reports/*ContractBindingTest-output.txt}):
 * what each binding runs, and what it skips and why.
 */
class ContractBindingTest {

    static List<Class<?>> contracts;
    static List<Class<?>> facets;
    static List<Binding> bindings;
    static Map<Engine, Facts> engines;

    /** What is known of one engine: its engine class and facets, or why they are unknown. */
    record Facts(Optional<LockEngine> engine, String source) {}

    /** One binding class: its engine, the driver its nested classes choose ("own" for the engine's), its contracts. */
    record Binding(Class<?> type, Engine engine, String driver, Map<Class<?>, Class<?>> nestedByContract) {}

    @BeforeAll
    static void scan() {
        List<Class<?>> testClasses = classesUnder(ContractBindingTest.class, "io/dblock");
        contracts = testClasses.stream()
                .filter(c -> c.getSimpleName().endsWith("Contract") && Modifier.isAbstract(c.getModifiers()))
                .sorted(Comparator.comparing(Class::getSimpleName))
                .toList();
        facets = classesUnder(LockEngine.class, "io/dblock/spi").stream()
                .filter(c -> c.isInterface() && c != LockEngine.class && !c.isAnnotation())
                .sorted(Comparator.comparing(Class::getSimpleName))
                .toList();
        bindings = testClasses.stream()
                .filter(c -> c.getEnclosingClass() == null && !Modifier.isAbstract(c.getModifiers()))
                .filter(c -> c.isAnnotationPresent(DatabaseTest.class))
                .map(ContractBindingTest::binding)
                .filter(b -> !b.nestedByContract().isEmpty())
                .sorted(Comparator.comparing(b -> b.type().getSimpleName()))
                .toList();
        engines = new EnumMap<>(Engine.class);
        for (Engine engine : Engine.values()) {
            engines.put(engine, facts(engine));
        }
        printMatrix();
    }

    @Test
    void contractsAreFoundAndDeclareTheirNeeds() {
        assertThat(contracts).as("abstract *Contract classes under io.dblock").hasSizeGreaterThan(10);
        assertThat(contracts.stream().filter(c -> !c.isAnnotationPresent(Needs.class)))
                .as("contracts without @Needs")
                .isEmpty();
        for (Class<?> contract : contracts) {
            assertThat(needs(contract).value())
                    .as("the needs of %s are facets of io.dblock.spi", contract.getSimpleName())
                    .allMatch(facets::contains);
        }
    }

    @Test
    void everyBindingRunsEveryContractItsEngineMeetsAndNoOther() {
        List<String> problems = new ArrayList<>();
        for (Binding binding : bindings) {
            Optional<LockEngine> engine = engines.get(binding.engine()).engine();
            if (engine.isEmpty()) {
                continue;
            }
            for (Class<?> contract : contracts) {
                Optional<String> skip = skipReason(contract, engine.get(), binding);
                boolean bound = binding.nestedByContract().containsKey(contract);
                if (skip.isEmpty() && !bound) {
                    problems.add(binding.type().getSimpleName() + " lacks " + contract.getSimpleName()
                            + ", whose needs " + describe(needs(contract)) + " its engine meets");
                } else if (skip.isPresent() && bound) {
                    problems.add(binding.type().getSimpleName() + " binds " + contract.getSimpleName() + ", but "
                            + skip.get());
                }
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void everyContractIsBoundAndEveryEngineHasABinding() {
        Set<Class<?>> bound = bindings.stream()
                .flatMap(b -> b.nestedByContract().keySet().stream())
                .collect(Collectors.toSet());
        assertThat(contracts.stream().filter(c -> !bound.contains(c)).map(Class::getSimpleName))
                .as("contracts bound to no engine")
                .isEmpty();
        for (Engine engine : Engine.values()) {
            if (engine == Engine.EXTERNAL) {
                continue; // the server of an engine the kit does not know: its binding comes with the engine
            }
            assertThat(bindings)
                    .as("a binding of %s with its own driver", engine)
                    .anyMatch(b -> b.engine() == engine && b.driver().equals("own"));
        }
    }

    @Test
    void contractsAreBoundOnlyThroughBindings() {
        Set<Class<?>> nested = bindings.stream()
                .flatMap(b -> b.nestedByContract().values().stream())
                .collect(Collectors.toSet());
        List<String> outside = classesUnder(ContractBindingTest.class, "io/dblock").stream()
                .filter(c -> !Modifier.isAbstract(c.getModifiers()) && !nested.contains(c))
                .filter(c -> contracts.stream().anyMatch(contract -> contract.isAssignableFrom(c)))
                .map(Class::getName)
                .toList();
        assertThat(outside).as("classes extending a contract outside a binding").isEmpty();
    }

    /** Why {@code binding} must not run {@code contract}, or empty if it must. */
    static Optional<String> skipReason(Class<?> contract, LockEngine engine, Binding binding) {
        Needs needs = needs(contract);
        if (!needs.engine().isInstance(engine)) {
            return Optional.of("it is " + needs.engine().getSimpleName() + "'s only");
        }
        List<String> missing = Arrays.stream(needs.value())
                .filter(facet -> engine.facet(facet).isEmpty())
                .map(Class::getSimpleName)
                .toList();
        if (!missing.isEmpty()) {
            return Optional.of("facet missing: " + String.join(", ", missing));
        }
        if (!binding.driver().equals("own") && !DriverUnderTest.class.isAssignableFrom(contract)) {
            return Optional.of("it does not implement DriverUnderTest, so the driver is not the binding's to choose");
        }
        return Optional.empty();
    }

    static Binding binding(Class<?> type) {
        Map<Class<?>, Class<?>> byContract = new LinkedHashMap<>();
        TreeSet<String> drivers = new TreeSet<>();
        for (Class<?> nested : nestedClasses(type)) {
            Class<?> contract = nested.getSuperclass();
            if (!contracts.contains(contract)) {
                continue;
            }
            Class<?> previous = byContract.put(contract, nested);
            assertThat(previous)
                    .as("%s binds %s twice", type.getSimpleName(), contract.getSimpleName())
                    .isNull();
            drivers.add(driver(nested));
        }
        assertThat(drivers)
                .as("the drivers of the nested classes of %s (one binding per driver)", type.getSimpleName())
                .hasSizeLessThanOrEqualTo(1);
        Engine engine = type.getAnnotation(DatabaseTest.class).engine();
        return new Binding(type, engine, drivers.isEmpty() ? "own" : drivers.first(), byContract);
    }

    /**
     * The {@code @Nested} classes JUnit runs in {@code type}: its own and those it inherits ({@link EngineContracts}),
     * except the inherited ones that a class of the same name nearer to {@code type} hides.
     */
    static List<Class<?>> nestedClasses(Class<?> type) {
        Map<String, Class<?>> bySimpleName = new LinkedHashMap<>();
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Class<?> nested : c.getDeclaredClasses()) {
                if (nested.isAnnotationPresent(Nested.class)) {
                    bySimpleName.putIfAbsent(nested.getSimpleName(), nested);
                }
            }
        }
        return List.copyOf(bySimpleName.values());
    }

    /** The driver a nested class chooses: the {@link DriverUnderTest} sub-interface whose data source it gets. */
    static String driver(Class<?> nested) {
        if (!DriverUnderTest.class.isAssignableFrom(nested)) {
            return "own";
        }
        try {
            Class<?> declaring =
                    nested.getMethod("dataSource", TestDatabase.class).getDeclaringClass();
            if (declaring == DriverUnderTest.class) {
                return "own";
            }
            Class<?> named = declaring.getEnclosingClass() != null ? declaring.getEnclosingClass() : declaring;
            return named.getSimpleName();
        } catch (NoSuchMethodException e) {
            throw new AssertionError(e);
        }
    }

    static Facts facts(Engine engine) {
        Optional<String> unavailable = engine.unavailableReason();
        if (unavailable.isEmpty()) {
            return new Facts(
                    Optional.of(EngineDetection.detect(engine.database().dataSource())), "detected");
        }
        if (engine == Engine.MYSQL_EXTERNAL) {
            for (Engine family : List.of(Engine.MARIADB_11_4, Engine.MARIADB_10_11)) {
                if (family.unavailableReason().isEmpty()) {
                    LockEngine mariaDb =
                            EngineDetection.detect(family.database().dataSource());
                    return new Facts(
                            Optional.of(mariaDb),
                            "not running here (" + unavailable.get().replaceFirst(":.*", "")
                                    + "): the MySQL family's engine class, read from " + family);
                }
            }
        }
        return new Facts(Optional.empty(), "unknown, unchecked: " + unavailable.get());
    }

    static void printMatrix() {
        StringBuilder out = new StringBuilder("Contract x engine matrix (ContractBindingTest)\n\nEngines:\n");
        for (var entry : engines.entrySet()) {
            Optional<LockEngine> engine = entry.getValue().engine();
            out.append("  ").append(entry.getKey()).append(": ");
            engine.ifPresent(e -> out.append(e.getClass().getSimpleName())
                    .append(" [")
                    .append(facets.stream()
                            .filter(f -> e.facet(f).isPresent())
                            .map(Class::getSimpleName)
                            .collect(Collectors.joining(", ")))
                    .append("], "));
            out.append(entry.getValue().source()).append('\n');
        }
        List<String> columns = bindings.stream()
                .map(b -> b.type().getSimpleName().replaceFirst("Test$", ""))
                .toList();
        int width = contracts.stream()
                .mapToInt(c -> c.getSimpleName().length())
                .max()
                .orElse(8);
        out.append("\nx = bound and run, - = skipped (reasons below); columns:\n");
        for (int i = 0; i < columns.size(); i++) {
            Binding b = bindings.get(i);
            out.append(String.format(
                    "  %d %s (%s, driver: %s, %d contracts)%n",
                    i + 1,
                    b.type().getSimpleName(),
                    b.engine(),
                    b.driver(),
                    b.nestedByContract().size()));
        }
        out.append(String.format("%-" + width + "s", "contract"));
        for (int i = 0; i < columns.size(); i++) {
            out.append("  ").append(i + 1);
        }
        out.append('\n');
        Map<String, List<String>> skipped = new LinkedHashMap<>();
        for (Class<?> contract : contracts) {
            out.append(String.format("%-" + width + "s", contract.getSimpleName()));
            for (Binding b : bindings) {
                boolean bound = b.nestedByContract().containsKey(contract);
                out.append("  ").append(bound ? "x" : "-");
                if (!bound) {
                    String why = engines.get(b.engine())
                            .engine()
                            .flatMap(e -> skipReason(contract, e, b))
                            .orElse("NOT BOUND although it applies");
                    skipped.computeIfAbsent(b.type().getSimpleName(), k -> new ArrayList<>())
                            .add(contract.getSimpleName() + " (" + why + ")");
                }
            }
            out.append("   needs ").append(describe(needs(contract))).append('\n');
        }
        out.append("\nSkipped:\n");
        for (Binding b : bindings) {
            List<String> reasons = skipped.getOrDefault(b.type().getSimpleName(), List.of());
            out.append("  ")
                    .append(b.type().getSimpleName())
                    .append(": ")
                    .append(reasons.isEmpty() ? "none" : String.join("; ", reasons))
                    .append('\n');
        }
        Set<Class<?>> needed =
                contracts.stream().flatMap(c -> Arrays.stream(needs(c).value())).collect(Collectors.toSet());
        out.append("\nFacets no contract needs (covered by engine-specific tests only): ")
                .append(facets.stream()
                        .filter(f -> !needed.contains(f))
                        .filter(f -> engines.values().stream()
                                .anyMatch(
                                        e -> e.engine().flatMap(x -> x.facet(f)).isPresent()))
                        .map(Class::getSimpleName)
                        .collect(Collectors.joining(", ")))
                .append('\n');
        System.out.println(out);
    }

    static Needs needs(Class<?> contract) {
        Needs needs = contract.getAnnotation(Needs.class);
        if (needs == null) {
            throw new AssertionError(contract.getName() + " does not declare what it needs (@Needs)");
        }
        return needs;
    }

    static String describe(Needs needs) {
        List<String> parts = new ArrayList<>();
        if (needs.engine() != LockEngine.class) {
            parts.add(needs.engine().getSimpleName());
        }
        Arrays.stream(needs.value()).map(Class::getSimpleName).forEach(parts::add);
        return parts.isEmpty() ? "(core only)" : String.join(", ", parts);
    }

    /** The classes below {@code folder} in the class-path directory {@code anchor} was loaded from. */
    static List<Class<?>> classesUnder(Class<?> anchor, String folder) {
        URL location = anchor.getProtectionDomain().getCodeSource().getLocation();
        Path root;
        try {
            root = Path.of(location.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        assertThat(root)
                .as("the classes of %s are a directory, to scan", anchor.getName())
                .isDirectory();
        List<Class<?>> classes = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root.resolve(folder))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                String name = root.relativize(file)
                        .toString()
                        .replace(file.getFileSystem().getSeparator(), ".");
                name = name.substring(0, name.length() - ".class".length());
                classes.add(Class.forName(name, false, anchor.getClassLoader()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
        return Collections.unmodifiableList(classes);
    }
}
