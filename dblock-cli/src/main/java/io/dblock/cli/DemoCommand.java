package io.dblock.cli;

import io.dblock.cli.demo.DemoDatabase;
import io.dblock.cli.demo.DemoScenario;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code dblock demo}: starts an embedded PostgreSQL and shows, as a timeline, workers contending for a table lock and
 * an advisory lock: one times out, one skips its work, one waits and proceeds. It ends with a chain of three waiting
 * sessions, printed as {@code dblock waits} prints it.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "Shows dblock at work on a real PostgreSQL: three workers contend for locks, then wait in a chain.",
            "The locks are a table lock and an advisory lock; the chain is printed as `dblock waits` prints it.",
            "Without --url it starts an embedded PostgreSQL (Linux and macOS) and stops it afterwards."
        })
public final class DemoCommand implements Callable<Integer> {

    /** The environment variable holding the password for {@code --url}, kept off the command line and shell history. */
    public static final String PASSWORD_ENV = "DBLOCK_PASSWORD";

    @ParentCommand
    private DblockCommand parent;

    @Spec
    private CommandSpec spec;

    @Option(
            names = "--url",
            paramLabel = "<jdbc-url>",
            description = {
                "Run on this PostgreSQL instead of an embedded one, e.g. jdbc:postgresql://localhost:5432/app.",
                "The demo creates and drops the schema dblock_demo there. Password from $" + PASSWORD_ENV + "."
            })
    private String url;

    @Option(names = "--user", paramLabel = "<user>", description = "The user for --url (default: the URL's).")
    private String user;

    @Override
    public Integer call() throws Exception {
        if (user != null && url == null) {
            throw new ParameterException(spec.commandLine(), "--user needs --url");
        }
        PrintWriter out = spec.commandLine().getOut();
        long start = System.nanoTime();
        try (DemoDatabase database = open()) {
            long millis = (System.nanoTime() - start) / 1_000_000;
            out.println(
                    (url == null ? "Started " : "Connected to ") + database.description() + " in " + millis + " ms.");
            out.flush();
            new DemoScenario(database, out, parent.terminal().width()).run();
        }
        if (url == null) {
            out.println("Stopped the embedded PostgreSQL.");
        }
        out.flush();
        return 0;
    }

    private DemoDatabase open() {
        if (url == null) {
            return DemoDatabase.embedded();
        }
        return DemoDatabase.external(url, user, System.getenv(PASSWORD_ENV));
    }
}
