package io.dblock;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every engine provider is registered for both ways of running dblock: the {@code META-INF/services} file (class path)
 * and the {@code provides} clause of {@code module-info} (module path), with the same classes. An engine added to one
 * only would work in one kind of application and be missing in the other.
 */
class EngineRegistrationTest {

    @Test
    void theServicesFileAndTheModuleProvideTheSameEngines() throws IOException {
        Path classes = Paths.get("target", "classes");
        List<String> services =
                Files.readAllLines(classes.resolve("META-INF/services/io.dblock.spi.LockEngineProvider")).stream()
                        .map(String::strip)
                        .filter(line -> !line.isEmpty() && !line.startsWith("#"))
                        .sorted()
                        .toList();
        ModuleDescriptor module =
                ModuleFinder.of(classes).find("io.dblock").orElseThrow().descriptor();
        List<String> provided = module.provides().stream()
                .filter(p -> p.service().equals("io.dblock.spi.LockEngineProvider"))
                .flatMap(p -> p.providers().stream())
                .sorted()
                .toList();
        assertThat(services).isNotEmpty();
        assertThat(provided).as("module-info provides").isEqualTo(services);
        assertThat(module.uses()).contains("io.dblock.spi.LockEngineProvider");
        assertThat(module.exports().stream()
                        .map(ModuleDescriptor.Exports::source)
                        .sorted())
                .as("only the API, inspect and the SPI are exported")
                .containsExactly("io.dblock", "io.dblock.inspect", "io.dblock.spi");
    }
}
