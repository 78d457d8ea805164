package io.dblock.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/**
 * Answers {@code dblock --version} from {@code dblock-version.properties}, which Maven fills in at build time.
 *
 * <p>A resource rather than the jar manifest, so the version is also right when running from {@code target/classes}
 * (tests, IDEs).
 */
final class VersionProvider implements IVersionProvider {

    private static final String RESOURCE = "/dblock-version.properties";

    @Override
    public String[] getVersion() {
        return new String[] {
            "dblock " + version(),
            "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")"
        };
    }

    static String version() {
        Properties properties = new Properties();
        try (InputStream in = VersionProvider.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                return "unknown";
            }
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + RESOURCE, e);
        }
        return properties.getProperty("version", "unknown");
    }
}
