import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes every code block of a Markdown file that is marked {@code <!-- newcomer: <path> -->} (on the line before its
 * opening fence) to {@code <path>} below a directory: the README's snippets as a project of their own. Run with the
 * JDK's source launcher: {@code java .ci/ReadmeSnippets.java README.md <directory>}.
 */
public class ReadmeSnippets {

    private static final String MARK = "<!-- newcomer: ";

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: java .ci/ReadmeSnippets.java <markdown file> <directory>");
            System.exit(2);
        }
        List<String> lines = Files.readAllLines(Path.of(args[0]), StandardCharsets.UTF_8);
        Path root = Path.of(args[1]).toAbsolutePath().normalize();
        List<String> written = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).trim();
            if (!line.startsWith(MARK) || !line.endsWith("-->")) {
                continue;
            }
            String name = line.substring(MARK.length(), line.length() - 3).trim();
            Path file = root.resolve(name).normalize();
            if (!file.startsWith(root) || name.isEmpty()) {
                throw new IllegalArgumentException(args[0] + ":" + (i + 1) + ": the path '" + name + "' leaves " + root);
            }
            if (i + 1 >= lines.size() || !lines.get(i + 1).startsWith("```")) {
                throw new IllegalArgumentException(args[0] + ":" + (i + 1) + ": no code block right after the mark");
            }
            StringBuilder code = new StringBuilder();
            int j = i + 2;
            for (; j < lines.size() && !lines.get(j).startsWith("```"); j++) {
                code.append(lines.get(j)).append('\n');
            }
            if (j == lines.size()) {
                throw new IllegalArgumentException(args[0] + ":" + (i + 2) + ": the code block never ends");
            }
            if (written.contains(name)) {
                throw new IllegalArgumentException(args[0] + ":" + (i + 1) + ": '" + name + "' is marked twice");
            }
            Files.createDirectories(file.getParent());
            Files.writeString(file, code, StandardCharsets.UTF_8);
            written.add(name);
            i = j;
        }
        if (written.isEmpty()) {
            throw new IllegalArgumentException(args[0] + " has no block marked " + MARK + "<path> -->");
        }
        written.forEach(name -> System.out.println("  " + name));
    }
}
